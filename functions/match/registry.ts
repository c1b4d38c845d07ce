// The vendor registry of the reference app: seed data in the repo (vendors.json).
import registry from './vendors.json';
import type { Vendor } from './selection';

export const vendors: readonly Vendor[] = registry.vendors;

export function vendorById(id: string): Vendor | undefined {
  return vendors.find((v) => v.vendorId === id);
}
