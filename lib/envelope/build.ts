import { randomUUID } from 'node:crypto';
import { EventValidationError } from './errors';
import { runValidator, type StandaloneValidator } from './validation';

/** The envelope metadata of this project's convention. */
export interface EnvelopeMetadata {
  eventId: string;
  correlationId: string;
  causationId?: string;
  eventVersion: string;
  occurredAt: string;
  aggregateId?: string;
  sequence?: number;
  producer: string;
}

/** What an event is built from besides its data: where it comes from and what caused it. */
export interface EventContext {
  /** The event being handled, if any: its eventId becomes causationId, its correlationId is inherited. */
  causedBy?: { metadata: { eventId: string; correlationId: string } };
  /** Correlation id of the request; wins over `causedBy`. A new one is made when neither is given. */
  correlationId?: string;
  /** Explicit causation id (e.g. an HTTP request id) when there is no triggering event. */
  causationId?: string;
  aggregateId?: string;
  /** Per-aggregate sequence number; requires aggregateId. */
  sequence?: number;
  /** Fixed id and time, for tests and for idempotent rebuilds; new ones otherwise. */
  eventId?: string;
  occurredAt?: Date | string;
  /** Service name recorded as producer; defaults to the service the publisher belongs to. */
  producer?: string;
  /** ARNs or ids for EventBridge `Resources`. */
  resources?: string[];
}

/** Static facts the spec knows about one event type. */
export interface EventSpec<D extends string = string> {
  messageName: string;
  detailType: D;
  source: string;
  /** Key of the bus in the spec, and its base name (without stage suffix). */
  bus: string;
  busName: string;
  version: string;
}

/** A validated event, ready for PutEvents or for an outbox row. */
export interface BuiltEvent<D extends string, T> {
  detailType: D;
  source: string;
  bus: string;
  busName: string;
  detail: T;
  resources: string[];
}

/** Builds the `{ metadata, data }` detail, validates it, and returns it with its routing facts. */
export function buildEnvelopeEvent<D extends string, T>(
  spec: EventSpec<D>,
  service: string,
  data: unknown,
  context: EventContext,
  validate: StandaloneValidator,
): BuiltEvent<D, T> {
  const occurredAt = context.occurredAt === undefined ? new Date().toISOString() : new Date(context.occurredAt).toISOString();
  const causationId = context.causationId ?? context.causedBy?.metadata.eventId;
  const metadata: EnvelopeMetadata = {
    eventId: context.eventId ?? randomUUID(),
    correlationId: context.correlationId ?? context.causedBy?.metadata.correlationId ?? randomUUID(),
    ...(causationId === undefined ? {} : { causationId }),
    eventVersion: spec.version,
    occurredAt,
    ...(context.aggregateId === undefined ? {} : { aggregateId: context.aggregateId }),
    ...(context.sequence === undefined ? {} : { sequence: context.sequence }),
    producer: context.producer ?? service,
  };
  return buildRawEvent<D, T>(spec, { metadata, data }, context, validate);
}

/** Validates a complete detail (for events whose payload is not the envelope) and returns it. */
export function buildRawEvent<D extends string, T>(spec: EventSpec<D>, detail: unknown, context: EventContext, validate: StandaloneValidator): BuiltEvent<D, T> {
  const result = runValidator<T>(validate, detail);
  if (!result.ok) throw new EventValidationError(spec.messageName, result.errors);
  return { detailType: spec.detailType, source: spec.source, bus: spec.bus, busName: spec.busName, detail: result.value, resources: context.resources ?? [] };
}
