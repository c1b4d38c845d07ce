import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/codegen';

// The responders' documented test zones (each service's own data file): a point inside
// each, where exactly that responder answers with an error or stays silent.

interface Zone {
  behaviour: 'error' | 'silent';
  box: { minLat: number; maxLat: number; minLon: number; maxLon: number };
}

function centre(file: string, behaviour: Zone['behaviour']): { lat: number; lon: number } {
  const zones = (JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { testZones: Zone[] }).testZones;
  const zone = zones.find((z) => z.behaviour === behaviour);
  if (!zone) throw new Error(`${file} has no ${behaviour} test zone`);
  return { lat: (zone.box.minLat + zone.box.maxLat) / 2, lon: (zone.box.minLon + zone.box.maxLon) / 2 };
}

export const MATCHING_ZONES = {
  vendorError: centre('functions/vendor/directory.json', 'error'),
  vendorSilent: centre('functions/vendor/directory.json', 'silent'),
  pricingError: centre('functions/pricing/rate-cards.json', 'error'),
  pricingSilent: centre('functions/pricing/rate-cards.json', 'silent'),
  trackingError: centre('functions/tracking/depots.json', 'error'),
  trackingSilent: centre('functions/tracking/depots.json', 'silent'),
};
