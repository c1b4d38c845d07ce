/**
 * The one route matcher of the tree, with API Gateway v2 (HTTP API) semantics. Both the HTTP
 * stack inside a function (`createHttpApi`) and the local cloud's API Gateway
 * (`local/apigw/gateway.ts`) route with it, so a request lands on the same route locally, in
 * a unit test and on AWS.
 *
 * Route keys are `<METHOD> /path` (METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS
 * or ANY) or `$default`. A path segment is literal, `{name}` (one segment) or, as the last
 * segment only, `{name+}` (greedy: one or more segments). Names are letters, digits, `_`, `-`.
 *
 * Which route wins, as API Gateway documents it ("Routing API requests"): a route without a
 * greedy variable beats one with; among those, segment by segment from the left, a literal
 * beats `{param}`, which beats `{proxy+}`; then a route for the request's method beats `ANY`;
 * `$default` is last. Declaration order never decides.
 *
 * Trailing slash: significant, as on HTTP APIs. A route key cannot end in `/` (except `/`),
 * the request path reaches the integration unchanged (`rawPath` keeps the slash), and
 * `GET /orders/` does not match `GET /orders` (it falls to a greedy route such as `/{proxy+}`,
 * or to `$default`). REST
 * APIs (v1) ignore the slash; HTTP APIs do not, which is why deployed APIs add `/x/{proxy+}`
 * to catch `/x/`.
 *
 * Parameters are percent-decoded, as API Gateway passes them to the integration. Decoding
 * never throws: a broken escape (`%E0%A4%A`) makes the match `malformed`, which callers answer
 * with 400 as API Gateway does.
 */
import { HttpRouteConfigError } from './errors';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const PARAM = /^\{([A-Za-z0-9_-]+)(\+?)\}$/;
const DEFAULT_ROUTE = '$default';

/** Segment kinds in precedence order: a lower number is more specific. */
const Kind = { Literal: 0, Param: 1, Greedy: 2 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

export interface CompiledRoute<R> {
  /** The route key as written (`GET /orders/{id}` or `$default`). */
  readonly key: string;
  /** Upper case; `ANY` for `$default`. */
  readonly method: string;
  /** `undefined` for `$default`, which matches every path. */
  readonly pattern: RegExp | undefined;
  /** Parameter names, in capture-group order. */
  readonly params: readonly string[];
  readonly route: R;
  /** Segment kinds, for ordering. */
  readonly kinds: readonly Kind[];
}

/** A route found for a request. `malformed` is set (and `pathParameters` empty) when a parameter's percent-escape does not decode. */
export interface RouteMatch<R> {
  readonly route: CompiledRoute<R>;
  readonly pathParameters: Record<string, string>;
  readonly malformed?: string;
}

/** Compiles one route key; throws `HttpRouteConfigError` for a key API Gateway would refuse. */
export function compileRoute<R>(key: string, route: R): CompiledRoute<R> {
  if (key === DEFAULT_ROUTE) return { key, method: 'ANY', pattern: undefined, params: [], route, kinds: [] };
  const match = /^([A-Z]+) (\/\S*)$/.exec(key);
  const method = match?.[1];
  const path = match?.[2];
  if (method === undefined || path === undefined || !METHODS.has(method)) {
    throw new HttpRouteConfigError(`route key "${key}" must be "$default" or "<METHOD> /path" with METHOD one of ${[...METHODS].join(', ')}`);
  }
  if (path.length > 1 && path.endsWith('/')) throw new HttpRouteConfigError(`route key "${key}": a path cannot end in "/" (HTTP APIs refuse it)`);
  const segments = path.slice(1).split('/');
  const params: string[] = [];
  const kinds: Kind[] = [];
  const source = segments.map((segment, index) => {
    const param = PARAM.exec(segment);
    if (!param) {
      if (segment.includes('{') || segment.includes('}')) throw new HttpRouteConfigError(`route key "${key}": "${segment}" must be a whole-segment {name} or {name+}`);
      kinds.push(Kind.Literal);
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    params.push(param[1] as string);
    if (!param[2]) {
      kinds.push(Kind.Param);
      return '([^/]+)';
    }
    if (index !== segments.length - 1) throw new HttpRouteConfigError(`route key "${key}": a greedy {${param[1]}+} must be the last segment`);
    kinds.push(Kind.Greedy);
    return '(.+)';
  });
  return { key, method, pattern: new RegExp(`^/${source.join('/')}$`), params, route, kinds };
}

/** Compiles route keys and orders them by precedence (see the module comment), so the first match wins. */
export function compileRoutes<R>(entries: Iterable<readonly [string, R]>): CompiledRoute<R>[] {
  return [...entries].map(([key, route]) => compileRoute(key, route)).sort(byPrecedence);
}

/**
 * The route for a request: `routeKey`, when API Gateway already chose one the table holds,
 * else the first route (in precedence order) whose method and path match.
 */
export function matchRoute<R>(routes: readonly CompiledRoute<R>[], request: { routeKey?: string; method: string; path: string }): RouteMatch<R> | undefined {
  if (request.routeKey && request.routeKey !== DEFAULT_ROUTE) {
    const chosen = routes.find((r) => r.key === request.routeKey);
    if (chosen) return extract(chosen, chosen.pattern?.exec(request.path) ?? null);
  }
  const method = request.method.toUpperCase();
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    if (!route.pattern) return { route, pathParameters: {} };
    const values = route.pattern.exec(request.path);
    if (values) return extract(route, values);
  }
  return undefined;
}

/** `decodeURIComponent` that answers `undefined` instead of throwing on a broken escape. */
export function decodePathValue(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function extract<R>(route: CompiledRoute<R>, values: RegExpExecArray | null): RouteMatch<R> {
  const pathParameters: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i += 1) {
    const raw = values?.[i + 1];
    if (raw === undefined) continue;
    const decoded = decodePathValue(raw);
    if (decoded === undefined) return { route, pathParameters: {}, malformed: raw };
    pathParameters[route.params[i] as string] = decoded;
  }
  return { route, pathParameters };
}

function byPrecedence<R>(a: CompiledRoute<R>, b: CompiledRoute<R>): number {
  const aDefault = a.pattern === undefined;
  if (aDefault !== (b.pattern === undefined)) return aDefault ? 1 : -1;
  const aGreedy = a.kinds.at(-1) === Kind.Greedy;
  if (aGreedy !== (b.kinds.at(-1) === Kind.Greedy)) return aGreedy ? 1 : -1;
  for (let i = 0; i < Math.min(a.kinds.length, b.kinds.length); i += 1) {
    const diff = (a.kinds[i] as Kind) - (b.kinds[i] as Kind);
    if (diff !== 0) return diff;
  }
  if ((a.method === 'ANY') !== (b.method === 'ANY')) return a.method === 'ANY' ? 1 : -1;
  // Longer literal prefixes first among equal kinds keeps the order total and stable.
  return b.kinds.length - a.kinds.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
