// The vendor service's directory: reference data in the repo (directory.json), the vendors
// with what they do, where they are, how they are rated and how many jobs they take at once.
// It is the seed of the vendor table (directory-store.ts), which the handlers read.
import directory from './directory.json';

export interface DirectoryVendor {
  vendorId: string;
  name: string;
  location: { lat: number; lon: number };
  /** Problem types the vendor handles (the spec's ProblemType values). */
  services: string[];
  rating: number;
  /** False while the vendor takes no work at all (closed, off shift). */
  available: boolean;
  /** Jobs the vendor takes at once: reservations held plus jobs under way. */
  capacity: number;
}

export const vendors: readonly DirectoryVendor[] = directory.vendors;

/** Looks a vendor up by id in `list` (default: the directory). */
export function vendorById(id: string, list: readonly DirectoryVendor[] = vendors): DirectoryVendor | undefined {
  return list.find((v) => v.vendorId === id);
}
