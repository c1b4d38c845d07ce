import { EventUpcastError, EventValidationError, MalformedEventError, UnknownEventTypeError } from './errors';
import { runValidator, type StandaloneValidator } from './validation';

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

/**
 * One upcaster of an older event version: turns a detail valid against the version before
 * it into a detail of version `messageName` (a pure function; the generated consumer builds
 * it from the user's typed upcaster).
 */
export interface UpcastStep {
  /** Message and detail-type of the version this step produces. */
  messageName: string;
  detailType: string;
  /** Validator of the version this step produces: the result must match it. */
  validate: StandaloneValidator;
  upcast: (detail: unknown) => unknown;
}

/** How a queue's dispatcher recognises and checks one event type. */
export interface Route {
  messageName: string;
  sources: readonly string[];
  validate: StandaloneValidator;
  /**
   * An older version of an event whose handler sees a newer one: after the event passed its
   * own schema, each step runs in order (v1 -> v2 -> v3) and its result is validated
   * against the next version's schema; the handler gets the last one's detail-type.
   */
  upcast?: readonly UpcastStep[];
}

/**
 * Runs the upcasters of `route` on an event already valid against its own version. An
 * upcaster that throws, or whose result breaks the next version's schema, is a bug no
 * retry can fix: EventUpcastError (non-retryable) names the step.
 */
function upcastEvent(route: Route, event: Record<string, unknown>): Record<string, unknown> {
  let detail = event['detail'];
  let from = route.messageName;
  let detailType = event['detail-type'] as string;
  for (const step of route.upcast ?? []) {
    let next: unknown;
    try {
      next = step.upcast(detail);
    } catch (cause) {
      throw new EventUpcastError(from, step.messageName, `threw ${(cause as Error)?.name ?? 'an error'}: ${(cause as Error)?.message ?? String(cause)}`, [], { cause });
    }
    const result = runValidator(step.validate, next);
    if (!result.ok) throw new EventUpcastError(from, step.messageName, `made a detail that does not match ${step.messageName}: ${result.errors.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`, result.errors);
    detail = next;
    from = step.messageName;
    detailType = step.detailType;
  }
  return { ...event, 'detail-type': detailType, detail };
}

/**
 * Checks the outer shape, finds the route by detail-type, validates the detail against its
 * own version's schema, and upcasts an older version to the one the handler sees.
 */
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
  if (route.upcast?.length) return upcastEvent(route, event) as unknown as { [K in keyof E & string]: EventBridgeEvent<K, E[K]> }[keyof E & string];
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
