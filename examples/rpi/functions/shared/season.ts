// The `{season}` path parameter every rpi API takes: a year.
import { BadRequestError } from '../../../../lib/http';

/** The season of the path, or a 400 INVALID_SEASON when it is not a year (4 digits). */
export function seasonParam(pathParameters: Readonly<Record<string, string | undefined>>): string {
  const season = pathParameters['season'] ?? '';
  if (!/^[0-9]{4}$/.test(season)) throw new BadRequestError(`season "${season}" must be a year (4 digits)`, { code: 'INVALID_SEASON' });
  return season;
}
