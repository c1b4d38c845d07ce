import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoutePlan } from '../template/plan';
import { JwtError, type LocalIssuer } from './jwt';

/**
 * The HTTP API of the template, locally: API Gateway v2 route matching (exact routes,
 * `{param}`, `{proxy+}`, `ANY`, `$default`), the JWT authorizer against the local dev
 * issuer, the payload format 2.0 event, and the Lambda result mapped back to HTTP.
 */

export type Invoke = (functionName: string, event: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { errorMessage: string } }>;

interface CompiledRoute {
  plan: RoutePlan;
  method: string;
  regex: RegExp | undefined;
  params: string[];
  /** Higher wins: exact segments beat parameters, which beat greedy ones. */
  score: number;
}

function compile(plan: RoutePlan): CompiledRoute {
  if (plan.routeKey === '$default') return { plan, method: 'ANY', regex: undefined, params: [], score: -1 };
  const [method = 'ANY', path = '/'] = plan.routeKey.split(' ');
  const params: string[] = [];
  let score = 0;
  const source = path
    .split('/')
    .map((seg) => {
      const greedy = /^\{(\w+)\+\}$/.exec(seg);
      if (greedy) {
        params.push(greedy[1] as string);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(seg);
      if (param) {
        params.push(param[1] as string);
        score += 1;
        return '([^/]+)';
      }
      score += 100;
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { plan, method: method.toUpperCase(), regex: new RegExp(`^${source}$`), params, score };
}

/** A request path whose percent-escapes do not decode (API Gateway answers 400). */
export class MalformedPathError extends Error {
  override readonly name = 'MalformedPathError';
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPathError(`Bad Request: the path has a malformed percent-escape in "${segment}"`);
  }
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
  private readonly routes: CompiledRoute[];

  constructor(private readonly options: GatewayOptions) {
    this.routes = options.routes.map(compile).sort((a, b) => b.score - a.score);
  }

  /** The route for a request, or undefined; throws `MalformedPathError` for a path with a broken percent-escape. */
  match(method: string, path: string): { route: CompiledRoute; pathParameters: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      if (!route.regex) return { route, pathParameters: {} };
      const m = route.regex.exec(path);
      if (!m) continue;
      return { route, pathParameters: Object.fromEntries(route.params.map((p, i) => [p, decodePathSegment(m[i + 1] as string)])) };
    }
    return undefined;
  }

  /** Handles one HTTP request (node:http handler). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const done = (status: number, routeKey: string | undefined): void => this.options.onRequest?.({ method, path: url.pathname, status, routeKey, ms: Date.now() - started });

    let found: ReturnType<HttpApiGateway['match']>;
    try {
      found = this.match(method, url.pathname);
    } catch (error) {
      if (!(error instanceof MalformedPathError)) throw error;
      json(res, 400, { message: error.message });
      return done(400, undefined);
    }
    if (!found) {
      json(res, 404, { message: 'Not Found' });
      return done(404, undefined);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;

    let jwt: { claims: Record<string, unknown>; scopes: null } | undefined;
    const authorizer = found.route.plan.authorizer;
    if (authorizer) {
      const header = authorizer.identitySource.replace(/^\$request\.header\./i, '').toLowerCase();
      const token = headers[header];
      if (!token) {
        json(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
        return done(401, found.route.plan.routeKey);
      }
      try {
        jwt = { claims: this.options.issuer.verify(token, authorizer.audience), scopes: null };
      } catch (error) {
        const reason = error instanceof JwtError ? error.message : 'invalid token';
        json(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` });
        return done(401, found.route.plan.routeKey);
      }
    }

    const textual = /^(application\/(json|.*\+json|x-www-form-urlencoded|xml)|text\/)/.test(headers['content-type'] ?? 'application/json');
    const requestId = randomUUID();
    const query: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: found.route.plan.routeKey,
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
        routeKey: found.route.plan.routeKey,
        stage: this.options.stage ?? '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(jwt ? { authorizer: { jwt } } : {}),
      },
      ...(raw.length ? { body: textual ? raw.toString('utf8') : raw.toString('base64') } : {}),
      isBase64Encoded: raw.length > 0 && !textual,
    };

    const result = await this.options.invoke(found.route.plan.functionName, event);
    if (!result.ok) {
      json(res, 500, { message: 'Internal Server Error' }, { 'apigw-requestid': requestId });
      return done(500, found.route.plan.routeKey);
    }
    const status = this.respond(res, result.result, requestId);
    done(status, found.route.plan.routeKey);
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
