import type { UpcastStep } from './parse';
import type { StandaloneValidator } from './validation';

/**
 * A consumer's upcaster for envelope events: a pure function from the `data` of one version
 * (and its envelope metadata, read-only) to the `data` of the next major version. The
 * runtime keeps the metadata (eventId, correlationId... so idempotency and tracing see the
 * same event) and sets its eventVersion to the new version's.
 *
 * @example
 * const IncidentCreated: EnvelopeUpcaster<IncidentCreated, IncidentCreatedV2> = (data) => ({ ...data, problem: { type: data.problemType } });
 */
export type EnvelopeUpcaster<F extends { metadata: object; data: unknown }, T extends { data: unknown }> = (data: F['data'], metadata: Readonly<F['metadata']>) => T['data'];

/** An upcaster for events without the envelope: the whole detail of one version to the next. */
export type DetailUpcaster<F, T> = (detail: F) => T;

/** The version an upcaster produces, as the generated consumer describes it. */
export interface UpcastTarget {
  messageName: string;
  detailType: string;
  /** x-version of the target message (the envelope's eventVersion after the step). */
  version: string;
  validate: StandaloneValidator;
}

/** The runtime step of an envelope upcaster (generated consumers call it): the metadata kept, its eventVersion the target's. */
export function envelopeUpcastStep<F extends { metadata: object; data: unknown }, T extends { data: unknown }>(upcaster: EnvelopeUpcaster<F, T>, target: UpcastTarget): UpcastStep {
  checkUpcaster(upcaster, target);
  return detailUpcastStep((detail: F) => ({ metadata: { ...detail.metadata, eventVersion: target.version }, data: upcaster(detail.data, detail.metadata as Readonly<F['metadata']>) }), target);
}

/** The runtime step of a whole-detail upcaster (events without the envelope). */
export function detailUpcastStep<F, T>(upcaster: DetailUpcaster<F, T>, target: UpcastTarget): UpcastStep {
  checkUpcaster(upcaster, target);
  return { messageName: target.messageName, detailType: target.detailType, validate: target.validate, upcast: (detail) => upcaster(detail as F) };
}

function checkUpcaster(upcaster: unknown, target: UpcastTarget): void {
  if (typeof upcaster !== 'function') throw new TypeError(`the upcaster to ${target.messageName} is not a function (got ${typeof upcaster}); pass one per step in the consumer's upcasters`);
}
