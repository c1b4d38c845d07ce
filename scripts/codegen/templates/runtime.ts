// The runtime every generated module shares: results, typed errors, envelope building and
// dispatch. Copied verbatim into generated/runtime.ts so generated code stands alone.
import { randomUUID } from 'node:crypto';

/** One reason a value does not match its schema. */
export interface ValidationIssue {
  /** JSON pointer of the offending value, e.g. `/data/location/lat` ('' for the root). */
  path: string;
  /** Human-readable reason. */
  message: string;
  /** JSON Schema keyword that failed (required, type, enum, format, ...). */
  keyword: string;
  params: Record<string, unknown>;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

/** Shape of an Ajv standalone validate function. */
export interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[] | null;
}

/** One-line reason for an Ajv error, the same wording at codegen time and at run time. */
export function describeValidationError(e: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }): string {
  if (e.keyword === 'required') return `missing required property "${String(e.params['missingProperty'])}"`;
  if (e.keyword === 'additionalProperties') return `unexpected property "${String(e.params['additionalProperty'])}"`;
  if (e.keyword === 'enum') return `must be one of ${JSON.stringify(e.params['allowedValues'])}`;
  return e.message ?? `fails ${e.keyword}`;
}

/** Runs a standalone validator and turns its errors into ValidationIssues. */
export function runValidator<T>(validate: StandaloneValidator, input: unknown): ValidationResult<T> {
  if (validate(input)) return { ok: true, value: input as T };
  const errors = (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: describeValidationError(e), keyword: e.keyword, params: e.params }));
  return { ok: false, errors };
}

/** Base of the errors raised by generated code; `code` is stable across processes. */
export class GeneratedEventError extends Error {
  readonly code: string = 'EVENT_ERROR';
  /** Retrying the same input cannot succeed. */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratedEventError';
  }
}

/** A payload does not match the spec. */
export class EventValidationError extends GeneratedEventError {
  override readonly code = 'EVENT_SCHEMA_INVALID';
  constructor(
    readonly messageName: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${messageName} does not match its schema: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
    this.name = 'EventValidationError';
  }
}

/** An event arrived whose detail-type (or source) the receiving queue does not expect. */
export class UnknownEventTypeError extends GeneratedEventError {
  override readonly code = 'EVENT_TYPE_UNKNOWN';
  constructor(
    readonly queue: string,
    readonly detailType: string,
    readonly source: string,
  ) {
    super(`queue ${queue} has no handler for detail-type "${detailType}" from source "${source}"`);
    this.name = 'UnknownEventTypeError';
  }
}

/** The input is not an EventBridge event at all. */
export class MalformedEventError extends GeneratedEventError {
  override readonly code = 'EVENT_MALFORMED';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`not an EventBridge event: ${reason}`, options);
    this.name = 'MalformedEventError';
  }
}

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

/** An EventBridge event as targets receive it (the SQS message body of a rule target). */
export interface EventBridgeEvent<D extends string = string, T = unknown> {
  version: string;
  id: string;
  'detail-type': D;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: T;
  'replay-name'?: string;
}

/** How a queue's dispatcher recognises and checks one event type. */
export interface Route {
  messageName: string;
  sources: readonly string[];
  validate: StandaloneValidator;
}

/** Checks the outer shape, finds the route by detail-type, validates the detail. */
export function parseEvent<E extends object>(queue: string, routes: { readonly [K in keyof E]: Route }, input: unknown): { [K in keyof E & string]: EventBridgeEvent<K, E[K]> }[keyof E & string] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new MalformedEventError(`expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}`);
  const event = input as Record<string, unknown>;
  const detailType = event['detail-type'];
  const source = event['source'];
  if (typeof detailType !== 'string') throw new MalformedEventError('"detail-type" is missing or not a string');
  if (typeof source !== 'string') throw new MalformedEventError('"source" is missing or not a string');
  if (!('detail' in event)) throw new MalformedEventError('"detail" is missing');
  const route = Object.prototype.hasOwnProperty.call(routes, detailType) ? (routes as Record<string, Route>)[detailType] : undefined;
  if (!route || !route.sources.includes(source)) throw new UnknownEventTypeError(queue, detailType, source);
  const result = runValidator(route.validate, event['detail']);
  if (!result.ok) throw new EventValidationError(route.messageName, result.errors);
  return input as { [K in keyof E & string]: EventBridgeEvent<K, E[K]> }[keyof E & string];
}

/** Handlers keyed by detail-type: the mapped type makes a missing one a compile error. */
export type HandlerMap<E extends object, C> = {
  [K in keyof E & string]: (event: EventBridgeEvent<K, E[K]>, context: C) => Promise<void> | void;
};

/** Parses, validates and calls the handler for the event's detail-type. */
export async function dispatchEvent<E extends object, C>(
  queue: string,
  routes: { readonly [K in keyof E]: Route },
  handlers: HandlerMap<E, C>,
  input: unknown,
  context: C,
): Promise<void> {
  const event = parseEvent<E>(queue, routes, input);
  const handler = handlers[event['detail-type'] as keyof E & string] as (event: unknown, context: C) => Promise<void> | void;
  await handler(event, context);
}
