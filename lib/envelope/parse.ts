import { EventValidationError, MalformedEventError, UnknownEventTypeError } from './errors';
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
