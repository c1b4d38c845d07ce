import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { EventContext, ValidationResult } from '../envelope';
import type { Env } from '../config';
import { resolveStack, traceInvocations } from '../observability';
import { HttpError, MalformedJsonError, MalformedPathError, RouteNotFoundError, UnsupportedMediaTypeError, ValidationFailedError } from './errors';
import { compileRoutes, matchRoute } from './routing';

/** Header carrying the correlation id in and out (API Gateway v2 lower-cases header names). */
export const CORRELATION_HEADER = 'x-correlation-id';
/** Accepted incoming correlation ids: what fits an envelope's correlationId and is safe in logs. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpRequest<B> {
  /** The parsed body, valid against the route's command schema (undefined without one). */
  body: B;
  pathParameters: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string | undefined>>;
  headers: Readonly<Record<string, string | undefined>>;
  correlationId: string;
  event: APIGatewayProxyEventV2;
}

export interface HttpContext {
  /** The API's logger; every line of the request carries its correlationId. */
  logger: Logger;
  lambdaContext: Context;
  correlationId: string;
  /** EventContext for events this request causes: its correlationId, causationId = the API request id. */
  eventContext: EventContext;
}

export interface HttpResult {
  /** Default 200 with a body, 204 without. */
  statusCode?: number;
  /** Serialised as JSON; a plain-object body also gets the request's `correlationId`. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

export interface RouteDefinition<B> {
  /** The command's generated validator (e.g. `validateCreateOrderCommand`): the body must be JSON and pass it. */
  body?: (input: unknown) => ValidationResult<B>;
  /** Name used in messages; default: the validator's name without `validate`. */
  command?: string;
  handler: (request: HttpRequest<B>, context: HttpContext) => Promise<HttpResult> | HttpResult;
}

/** A route with its body type erased, as the route table holds it. Make one with `route()`. */
export interface HttpRoute {
  readonly command?: string;
  run(event: APIGatewayProxyEventV2, context: RouteInvocationContext): Promise<HttpResult>;
}

/** The Lambda context of one routed call, extended with what the route needs. */
type RouteInvocationContext = Context & { readonly invocation: { pathParameters: Record<string, string>; http: HttpContext } };

/**
 * Declares a route. With `body`, the request body goes through Middy's JSON body parser
 * (wrong content-type: 415, malformed JSON: 400) and the command validator (400 listing
 * every failing path); the handler gets the typed body.
 *
 * @example
 * route({ body: validateCreateOrderCommand, handler: async ({ body }, { eventContext }) => ({ statusCode: 201, body: { orderId } }) })
 */
export function route<B = undefined>(definition: RouteDefinition<B>): HttpRoute {
  const validate = definition.body;
  const command = definition.command ?? (validate?.name.replace(/^validate/, '') || undefined);
  const call = async (event: APIGatewayProxyEventV2, context: RouteInvocationContext): Promise<HttpResult> => {
    let body = undefined as B;
    if (validate) {
      const result = validate(event.body as unknown);
      if (!result.ok) {
        const list = result.errors.map((i) => `${i.path || '/'} ${i.message}`).join('; ');
        throw new ValidationFailedError(`request body does not match ${command ?? 'the command schema'}: ${list}`, result.errors);
      }
      body = result.value;
    }
    const { pathParameters, http } = context.invocation;
    return definition.handler({ body, pathParameters, query: event.queryStringParameters ?? {}, headers: event.headers ?? {}, correlationId: http.correlationId, event }, http);
  };
  if (!validate) return { run: call };
  // A nested Middy chain per route with a body (as @middy/http-router does), so GET routes
  // without a body are not subject to the JSON content-type check.
  const withBody = middy<APIGatewayProxyEventV2, HttpResult, Error, RouteInvocationContext>({ timeoutEarlyInMillis: 0 })
    .use(httpJsonBodyParser<APIGatewayProxyEventV2>())
    .handler(call);
  return { ...(command ? { command } : {}), run: (event, context) => withBody(event, context) };
}

export interface HttpApiOptions {
  /** `'POST /orders': route({...})`; keys use API Gateway's route-key syntax. */
  routes: Readonly<Record<string, HttpRoute>>;
  service?: string;
  logger?: Logger;
  /** Maps a domain error to an HttpError (e.g. OrderNotFound -> NotFoundError); unmapped errors are 500s. */
  mapError?: (error: unknown) => HttpError | undefined;
  env?: Env;
}

export type HttpApiHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>;

/** Translates the JSON body parser's errors (both 415 in Middy) to what clients can act on. */
function fromBodyParser(error: unknown): HttpError | undefined {
  const e = error as { cause?: { package?: unknown; message?: unknown }; message?: unknown };
  if (e?.cause?.package !== '@middy/http-json-body-parser') return undefined;
  if (e.message === 'Unsupported Media Type') return new UnsupportedMediaTypeError('content-type must be application/json', { cause: error });
  const detail = typeof e.cause.message === 'string' ? `: ${e.cause.message}` : '';
  return new MalformedJsonError(`request body is missing or is not valid JSON${detail}`, { cause: error });
}

/**
 * The Lambda handler for an HTTP API (API Gateway v2 payload): correlation id from the
 * `x-correlation-id` header (or a new one) in every log line and echoed in the response
 * header and body, routing by route key, and every error as JSON
 * `{ error: { code, message, details?, correlationId } }`: HttpErrors with their status,
 * unknown routes 404, anything else 500 with a generic message (never a stack trace).
 */
export function createHttpApi(options: HttpApiOptions): HttpApiHandler {
  const { logger, tracer } = resolveStack(options, { service: 'http-api' });
  const routes = compileRoutes(Object.entries(options.routes));
  const correlationIds = new WeakMap<object, string>();
  const correlationOf = (event: object): string => correlationIds.get(event) ?? randomUUID();

  const correlation: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
    before: (request) => {
      const incoming = request.event.headers?.[CORRELATION_HEADER];
      const id = incoming && CORRELATION_ID.test(incoming) ? incoming : randomUUID();
      correlationIds.set(request.event, id);
      logger.appendKeys({ correlationId: id, requestId: request.event.requestContext?.requestId, routeKey: request.event.routeKey });
      if (incoming && id !== incoming) logger.warn('ignored an invalid x-correlation-id header', { length: incoming.length });
    },
  };

  const errorResponses: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
    onError: (request) => {
      const error = request.error;
      const httpError = error instanceof HttpError ? error : (options.mapError?.(error) ?? fromBodyParser(error));
      const correlationId = correlationOf(request.event);
      if (httpError && httpError.statusCode < 500) {
        logger.info('request refused', { statusCode: httpError.statusCode, code: httpError.code, reason: httpError.message });
      } else {
        logger.error('request failed', { error: error as Error });
      }
      const status = httpError?.statusCode ?? 500;
      const body = {
        error: {
          code: httpError?.code ?? 'INTERNAL_ERROR',
          message: httpError?.message ?? 'internal error',
          ...(httpError?.details === undefined ? {} : { details: httpError.details }),
          correlationId,
        },
      };
      request.response = json(status, body, correlationId);
    },
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(traceInvocations<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlation)
    .use(errorResponses)
    .handler(async (event, context) => {
      const correlationId = correlationOf(event);
      const method = event.requestContext?.http?.method ?? 'GET';
      const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
      const found = matchRoute(routes, { ...(event.routeKey ? { routeKey: event.routeKey } : {}), method, path });
      if (!found) throw new RouteNotFoundError(method, path);
      if (found.malformed !== undefined) throw new MalformedPathError(found.malformed);
      const requestId = event.requestContext?.requestId;
      const http: HttpContext = { logger, lambdaContext: context, correlationId, eventContext: { correlationId, ...(requestId ? { causationId: requestId } : {}) } };
      const invocation = { pathParameters: { ...stringsOnly(event.pathParameters), ...found.pathParameters }, http };
      const result = await found.route.route.run(event, Object.assign(Object.create(context) as Context, { invocation }));
      const status = result.statusCode ?? (result.body === undefined ? 204 : 200);
      logger.info('request handled', { statusCode: status });
      const body = isPlainObject(result.body) && !('correlationId' in result.body) ? { ...result.body, correlationId } : result.body;
      return json(status, body, correlationId, result.headers);
    });
}

function json(statusCode: number, body: unknown, correlationId: string, headers: Readonly<Record<string, string>> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers, [CORRELATION_HEADER]: correlationId },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringsOnly(values: Record<string, string | undefined> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(values ?? {})) if (v !== undefined) result[k] = v;
  return result;
}
