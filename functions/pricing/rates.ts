// Price quotes for the scatter-gather round (PriceQuoteRequested): plain functions, no AWS.
// The rate card of the problem type (rate-cards.json) with its surcharges, or why there is
// none, and the answer event (PriceQuoteResponse or PriceQuoteError). The answer's eventId and
// quoteId derive from the request event, so a redelivered request finds its answer in the outbox.
import type { EventContext, GeoLocation, Money, PriceQuoteRequestedData, PriceQuoteSurcharge, ProblemType } from '../../generated';
import * as pricingEvents from '../../generated/publishers/pricing';
import { nameUuid } from '../../lib/ids';
import rateCards from './rate-cards.json';
import { haversineKm } from '../../lib/geo';

export { haversineKm };

/** Namespace of the pricing service's derived ids (a fixed random UUID). */
export const PRICING_NAMESPACE = 'b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d13';

export interface RateCard {
  baseFee: Money;
  serviceFee: Money;
  perKmRate: Money;
}

export interface Rates {
  currency: string;
  validForMinutes: number;
  cards: Partial<Record<ProblemType, RateCard>>;
  surcharges: {
    /** Night: local hour (fixed offset from UTC, no daylight saving) >= fromHour or < untilHour. */
    after_hours: { amount: Money; utcOffsetHours: number; fromHour: number; untilHour: number };
    /** Farther than beyondKm (straight line) from every city centre. */
    remote_area: { amount: Money; beyondKm: number };
  };
  cityCentres: { name: string; lat: number; lon: number }[];
  testZones: TestZone[];
}

/** A box where the responder deterministically fails ('error': its Error event) or answers nothing ('silent'). */
export interface TestZone {
  name: string;
  behaviour: 'error' | 'silent';
  /** The Error event's errorCode in an 'error' zone. */
  errorCode?: string;
  box: { minLat: number; maxLat: number; minLon: number; maxLon: number };
}

/** rate-cards.json, checked once on load: a typo there must fail loudly, not quote nonsense. */
export const rates: Rates = checkRates(rateCards);

function checkRates(file: typeof rateCards): Rates {
  const problems: string[] = [];
  const money = (where: string, m: Money): void => {
    if (!Number.isInteger(m.amountCents) || m.amountCents < 0) problems.push(`${where}: amountCents must be a whole number >= 0`);
    if (m.currency !== file.currency) problems.push(`${where}: currency ${m.currency} is not the file's ${file.currency}`);
  };
  for (const [type, card] of Object.entries(file.cards)) for (const [name, m] of Object.entries(card)) money(`cards.${type}.${name}`, m);
  money('surcharges.after_hours', file.surcharges.after_hours.amount);
  money('surcharges.remote_area', file.surcharges.remote_area.amount);
  const zones = file.testZones.map((zone): TestZone => {
    if (zone.behaviour !== 'error' && zone.behaviour !== 'silent') problems.push(`test zone ${zone.name}: behaviour must be error or silent`);
    if (!(zone.box.minLat < zone.box.maxLat && zone.box.minLon < zone.box.maxLon)) problems.push(`test zone ${zone.name}: empty box`);
    return { ...zone, behaviour: zone.behaviour === 'silent' ? 'silent' : 'error' };
  });
  if (problems.length) throw new Error(`rate-cards.json: ${problems.join('; ')}`);
  return { ...file, cards: file.cards, testZones: zones };
}



/** The test zone holding `at` (bounds included), if any. */
export function testZoneAt(at: GeoLocation, zones: readonly TestZone[] = rates.testZones): TestZone | undefined {
  return zones.find(({ box }) => at.lat >= box.minLat && at.lat <= box.maxLat && at.lon >= box.minLon && at.lon <= box.maxLon);
}

/** The local hour (0-23) of an instant at a fixed offset from UTC. */
export function localHour(at: string, utcOffsetHours: number): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${at}`);
  return new Date(ms + utcOffsetHours * 3_600_000).getUTCHours();
}

/** The surcharges that apply at `location` for a request made at `requestedAt`. */
export function surchargesFor(location: GeoLocation, requestedAt: string, table: Rates = rates): PriceQuoteSurcharge[] {
  const { after_hours: night, remote_area: remote } = table.surcharges;
  const hour = localHour(requestedAt, night.utcOffsetHours);
  const surcharges: PriceQuoteSurcharge[] = [];
  if (hour >= night.fromHour || hour < night.untilHour) surcharges.push({ code: 'after_hours', amount: night.amount });
  if (table.cityCentres.every((centre) => haversineKm(centre, location) > remote.beyondKm)) surcharges.push({ code: 'remote_area', amount: remote.amount });
  return surcharges;
}

export type QuoteAnswer =
  | { ok: true; card: RateCard; surcharges: PriceQuoteSurcharge[]; validUntil: string }
  | { ok: false; errorCode: string; errorMessage: string; canRetry: boolean };

/**
 * The quote for a request made at `requestedAt` (its occurredAt: the night rule depends on
 * nothing else), valid `validForMinutes` from `now`. No card for the type: UNKNOWN_PROBLEM_TYPE;
 * another currency than the cards': CURRENCY_NOT_SUPPORTED (neither changes if asked again).
 */
export function quote(request: Pick<PriceQuoteRequestedData, 'problemType' | 'location' | 'currency'>, requestedAt: string, now: string, table: Rates = rates): QuoteAnswer {
  const card = table.cards[request.problemType];
  if (!card) return { ok: false, errorCode: 'UNKNOWN_PROBLEM_TYPE', errorMessage: `No rate card for problem type ${request.problemType}.`, canRetry: false };
  if (request.currency && request.currency !== table.currency) return { ok: false, errorCode: 'CURRENCY_NOT_SUPPORTED', errorMessage: `Quotes are in ${table.currency} only, not ${request.currency}.`, canRetry: false };
  return { ok: true, card, surcharges: surchargesFor(request.location, requestedAt, table), validUntil: new Date(Date.parse(now) + table.validForMinutes * 60_000).toISOString() };
}

/** The answer in an 'error' test zone. */
export function testZoneError(zone: TestZone): QuoteAnswer {
  return { ok: false, errorCode: zone.errorCode ?? 'PRICING_UNAVAILABLE', errorMessage: `Test zone ${zone.name}: pricing is unavailable here by design (functions/pricing/README.md).`, canRetry: true };
}

/** The answer's eventId: one per request event, whichever answer it is (a redelivery cannot send a second, different one). */
export const quoteAnswerId = (requestId: string, requestEventId: string): string => nameUuid(PRICING_NAMESPACE, 'quote-answer', requestId, requestEventId);
export const quoteIdOf = (requestId: string, requestEventId: string): string => nameUuid(PRICING_NAMESPACE, 'quote', requestId, requestEventId);

export type QuoteReply = ReturnType<typeof pricingEvents.PriceQuoteResponse> | ReturnType<typeof pricingEvents.PriceQuoteError>;

/** The event answering the request (no aggregate: the answer is about the gather round). Validated against the spec when built. */
export function quoteReply(request: Pick<PriceQuoteRequestedData, 'requestId' | 'incidentId'>, answer: QuoteAnswer, requestEventId: string, cause: EventContext, now: string): QuoteReply {
  const context: EventContext = { ...cause, eventId: quoteAnswerId(request.requestId, requestEventId), occurredAt: now };
  const { requestId, incidentId } = request;
  if (!answer.ok) return pricingEvents.PriceQuoteError({ requestId, incidentId, errorCode: answer.errorCode, errorMessage: answer.errorMessage, canRetry: answer.canRetry }, context);
  const { baseFee, serviceFee, perKmRate } = answer.card;
  return pricingEvents.PriceQuoteResponse({ requestId, incidentId, quoteId: quoteIdOf(requestId, requestEventId), baseFee, serviceFee, perKmRate, surcharges: answer.surcharges, validUntil: answer.validUntil }, context);
}
