import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { MalformedPathError } from '../../lib/http/errors';
import { compileRoutes, matchRoute, type CompiledRoute, type RouteMatch } from '../../lib/http/routing';
import { readBody, refuseBody, RequestBodyError } from '../http/body';
import type { RoutePlan } from '../template/plan';
import { JwtError, type LocalIssuer } from './jwt';

/**
 * The HTTP API of the template, locally: API Gateway v2 route matching (the matcher of
 * `lib/http/routing`, shared with the in-function HTTP stack), the JWT authorizer against the
 * local dev issuer, the payload format 2.0 event, and the Lambda result mapped back to HTTP.
 */

export type Invoke = (functionName: string, event: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { errorMessage: string } }>;

/**
 * Quotas of API Gateway HTTP APIs ("Quotas for configuring and running an HTTP API"): payload
 * size 10 MB, and 10240 bytes for the request line and the header values together. A request
 * line alone over the second answers 414, the headers pushing the total over it 431.
 */
export const HTTP_API_LIMITS = { payloadBytes: 10 * 1024 * 1024, requestLineAndHeaderValueBytes: 10_240 } as const;

/**
 * Options of the `node:http` server in front of the gateway: Node's own header limit (16 KiB by
 * default) is raised so that the gateway, not Node, answers oversized headers (a JSON 431);
 * past this larger bound `answerClientError` still answers in JSON before closing.
 */
export const HTTP_API_SERVER_OPTIONS = { maxHeaderSize: 64 * 1024 } as const;

/**
 * `clientError` listener of that server: a request Node cannot parse (headers past even the
 * raised bound, a broken request line) gets a JSON answer instead of a bare reset.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `Request Header Fields Too Large: the request line and header values exceed the HTTP API limit of ${HTTP_API_LIMITS.requestLineAndHeaderValueBytes} bytes`]
      : [400, 'Bad Request'];
  const body = JSON.stringify({ message });
  socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * `checkContinue` listener of that server: a client that asks before sending its body
 * (`Expect: 100-continue`, as curl does for large uploads) and declares more than the payload
 * quota gets its 413 at once and sends nothing; any other goes on to `handler`.
 */
export function continueWithin(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > HTTP_API_LIMITS.payloadBytes) {
      // Nothing was sent and nothing will be: the connection cannot carry another request.
      return refuseBody(res, 413, JSON.stringify({ message: 'Request Entity Too Large' }), { 'content-type': 'application/json', connection: 'close' });
    }
    res.writeContinue();
    handler(req, res);
  };
}

/**
 * The JWT of an `Authorization`-style identity source, as the HTTP API JWT authorizer reads
 * it: "the identitySource can include only the token, or the token prefixed with Bearer". Any
 * other scheme (`Basic ...`, `Token ...`), an empty `Bearer`, or extra words is no token.
 */
export function bearerToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const token = value.startsWith('Bearer ') ? value.slice('Bearer '.length) : value;
  return /^[A-Za-z0-9_.~+/=-]+$/.test(token) ? token : undefined;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export interface GatewayOptions {
  routes: RoutePlan[];
  invoke: Invoke;
  issuer: LocalIssuer;
  region: string;
  accountId: string;
  stage?: string;
  onRequest?: (entry: { method: string; path: string; status: number; routeKey: string | undefined; ms: number }) => void;
}

export class HttpApiGateway {
  private readonly routes: CompiledRoute<RoutePlan>[];

  constructor(private readonly options: GatewayOptions) {
    this.routes = compileRoutes(options.routes.map((plan) => [plan.routeKey, plan] as const));
  }

  /** The route for a request (`malformed` set when a parameter's percent-escape does not decode), or undefined. */
  match(method: string, path: string): RouteMatch<RoutePlan> | undefined {
    return matchRoute(this.routes, { method, path });
  }

  /** Handles one HTTP request (node:http handler). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const done = (status: number, routeKey: string | undefined): void => this.options.onRequest?.({ method, path: url.pathname, status, routeKey, ms: Date.now() - started });
    const requestLine = Buffer.byteLength(`${method} ${req.url ?? '/'} HTTP/${req.httpVersion}`);
    const limit = HTTP_API_LIMITS.requestLineAndHeaderValueBytes;
    if (requestLine > limit) {
      refuseBody(res, 414, JSON.stringify({ message: `Request-URI Too Long: the request line is ${requestLine} bytes; the HTTP API limit for the request line and header values is ${limit} bytes` }), { 'content-type': 'application/json' });
      return done(414, undefined);
    }
    let headerValues = 0;
    for (let i = 1; i < req.rawHeaders.length; i += 2) headerValues += Buffer.byteLength(req.rawHeaders[i] ?? '');
    if (requestLine + headerValues > limit) {
      refuseBody(res, 431, JSON.stringify({ message: `Request Header Fields Too Large: the request line and header values are ${requestLine + headerValues} bytes; the HTTP API limit is ${limit} bytes` }), { 'content-type': 'application/json' });
      return done(431, undefined);
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, HTTP_API_LIMITS.payloadBytes);
    } catch (error) {
      if (!(error instanceof RequestBodyError)) throw error;
      refuseBody(res, 413, JSON.stringify({ message: 'Request Entity Too Large' }), { 'content-type': 'application/json' });
      return done(413, undefined);
    }

    const found = this.match(method, url.pathname);
    if (found?.malformed !== undefined) {
      json(res, 400, { message: new MalformedPathError(found.malformed).message });
      return done(400, undefined);
    }
    if (!found) {
      json(res, 404, { message: 'Not Found' });
      return done(404, undefined);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;

    let jwt: { claims: Record<string, unknown>; scopes: null } | undefined;
    const authorizer = found.route.route.authorizer;
    if (authorizer) {
      const header = authorizer.identitySource.replace(/^\$request\.header\./i, '').toLowerCase();
      const token = bearerToken(headers[header]);
      if (!token) {
        json(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
        return done(401, found.route.route.routeKey);
      }
      try {
        jwt = { claims: this.options.issuer.verify(token, authorizer.audience), scopes: null };
      } catch (error) {
        const reason = error instanceof JwtError ? error.message : 'invalid token';
        json(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` });
        return done(401, found.route.route.routeKey);
      }
    }

    const textual = /^(application\/(json|.*\+json|x-www-form-urlencoded|xml)|text\/)/.test(headers['content-type'] ?? 'application/json');
    const requestId = randomUUID();
    const query: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: found.route.route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(headers['cookie'] ? { cookies: headers['cookie'].split(/;\s*/) } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(Object.keys(found.pathParameters).length ? { pathParameters: found.pathParameters } : {}),
      requestContext: {
        accountId: this.options.accountId,
        apiId: 'local',
        domainName: headers['host'] ?? '127.0.0.1',
        domainPrefix: 'local',
        http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: found.route.route.routeKey,
        stage: this.options.stage ?? '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(jwt ? { authorizer: { jwt } } : {}),
      },
      ...(raw.length ? { body: textual ? raw.toString('utf8') : raw.toString('base64') } : {}),
      isBase64Encoded: raw.length > 0 && !textual,
    };

    const result = await this.options.invoke(found.route.route.functionName, event);
    if (!result.ok) {
      json(res, 500, { message: 'Internal Server Error' }, { 'apigw-requestid': requestId });
      return done(500, found.route.route.routeKey);
    }
    const status = this.respond(res, result.result, requestId);
    done(status, found.route.route.routeKey);
  }

  /** Maps a payload-2.0 Lambda result to the HTTP response, as API Gateway does. */
  private respond(res: ServerResponse, result: unknown, requestId: string): number {
    const structured = typeof result === 'object' && result !== null && 'statusCode' in result;
    if (!structured) {
      // A bare value is the 200 JSON body.
      json(res, 200, result ?? null, { 'apigw-requestid': requestId });
      return 200;
    }
    const r = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
    const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId, ...(r.headers ?? {}) };
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    res.writeHead(r.statusCode, headers);
    res.end(r.body === undefined ? undefined : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body);
    return r.statusCode;
  }
}
