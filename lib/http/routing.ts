import { HttpRouteConfigError } from './errors';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

export interface CompiledRoute<R> {
  key: string;
  method: string;
  pattern: RegExp;
  params: string[];
  route: R;
}

/** Compiles `'POST /orders/{orderId}'` (API Gateway route-key syntax, `{proxy+}` greedy). */
export function compileRoute<R>(key: string, route: R): CompiledRoute<R> {
  const match = /^([A-Z]+) (\/\S*)$/.exec(key);
  if (!match || !METHODS.has(match[1] as string)) throw new HttpRouteConfigError(`route key "${key}" must be "<METHOD> /path" with METHOD one of ${[...METHODS].join(', ')}`);
  const params: string[] = [];
  const source = (match[2] as string)
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z_][\w-]*)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1] as string);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { key, method: match[1] as string, pattern: new RegExp(`^${source}/?$`), params, route };
}

/** Finds the route for an API Gateway v2 request: its routeKey when API Gateway matched one, else method + path. */
export function matchRoute<R>(routes: readonly CompiledRoute<R>[], request: { routeKey?: string; method: string; path: string }): { route: CompiledRoute<R>; pathParameters: Record<string, string> } | undefined {
  if (request.routeKey && request.routeKey !== '$default') {
    const exact = routes.find((r) => r.key === request.routeKey);
    if (exact) return { route: exact, pathParameters: extract(exact, request.path) };
  }
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== request.method) continue;
    if (route.pattern.test(request.path)) return { route, pathParameters: extract(route, request.path) };
  }
  return undefined;
}

function extract<R>(route: CompiledRoute<R>, path: string): Record<string, string> {
  const values = route.pattern.exec(path);
  const result: Record<string, string> = {};
  route.params.forEach((name, i) => {
    const value = values?.[i + 1];
    if (value !== undefined) result[name] = decodeURIComponent(value);
  });
  return result;
}
