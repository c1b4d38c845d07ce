import { compileRoute, compileRoutes, decodePathValue, HttpRouteConfigError, matchRoute } from '../../lib/http';

// The one route matcher (lib/http/routing.ts), shared by createHttpApi and the local API
// Gateway: API Gateway v2 precedence, trailing slash, percent-decoding, route-key checks.

/** Compiles `keys` (each route's value is its own key) and answers the key that wins, or undefined. */
function winner(keys: readonly string[], method: string, path: string): string | undefined {
  const routes = compileRoutes(keys.map((key) => [key, key] as const));
  return matchRoute(routes, { method, path })?.route.route;
}

describe('route matcher precedence', () => {
  // The example of API Gateway's "Routing API requests", plus $default.
  const documented = ['$default', 'ANY /{proxy+}', 'GET /pets/{proxy+}', 'GET /pets/dog/{id}', 'GET /pets/dog/1'];

  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1'],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}'],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}'],
    ['POST', '/pets/dog/1', 'ANY /{proxy+}'],
    ['GET', '/', '$default'],
  ])('routes %s %s to %s whatever the declaration order', (method, path, expected) => {
    // Prepare
    const reversed = [...documented].reverse();

    // Act
    const fromDocumented = winner(documented, method, path);
    const fromReversed = winner(reversed, method, path);

    // Assess
    expect(fromDocumented).toBe(expected);
    expect(fromReversed).toBe(expected);
  });

  it('prefers a route without a greedy variable over one with, even when the greedy one has a longer literal prefix', () => {
    // Act
    const found = winner(['GET /a/{proxy+}', 'GET /{x}/b'], 'GET', '/a/b');

    // Assess
    expect(found).toBe('GET /{x}/b');
  });

  it('compares segments from the left: a literal beats a parameter at the first place they differ', () => {
    // Act
    const found = winner(['GET /{kind}/latest', 'GET /orders/{id}'], 'GET', '/orders/latest');

    // Assess
    expect(found).toBe('GET /orders/{id}');
  });

  it('prefers the request method over ANY for the same path, and uses ANY for other methods', () => {
    // Prepare
    const keys = ['ANY /orders', 'POST /orders'];

    // Act
    const post = winner(keys, 'POST', '/orders');
    const del = winner(keys, 'DELETE', '/orders');

    // Assess
    expect(post).toBe('POST /orders');
    expect(del).toBe('ANY /orders');
  });

  it('answers undefined when nothing matches and there is no $default', () => {
    // Act
    const found = winner(['GET /orders'], 'POST', '/orders');

    // Assess
    expect(found).toBeUndefined();
  });

  it("uses the routeKey API Gateway already chose when the table holds it, and extracts that route's parameters", () => {
    // Prepare
    const routes = compileRoutes([
      ['GET /orders/{id}', 'by-id'],
      ['GET /orders/latest', 'latest'],
    ]);

    // Act
    const found = matchRoute(routes, { routeKey: 'GET /orders/{id}', method: 'GET', path: '/orders/latest' });

    // Assess
    expect(found?.route.route).toBe('by-id');
    expect(found?.pathParameters).toEqual({ id: 'latest' });
  });
});

describe('route matcher paths', () => {
  it('treats a trailing slash as significant, as HTTP APIs do: /orders/ falls to a greedy route or $default', () => {
    // Act
    const exactOnly = winner(['GET /orders'], 'GET', '/orders/');
    const withGreedy = winner(['GET /orders', 'ANY /{proxy+}', '$default'], 'GET', '/orders/');
    const withDefault = winner(['GET /orders', '$default'], 'GET', '/orders/');
    const root = winner(['GET /'], 'GET', '/');

    // Assess
    expect(exactOnly).toBeUndefined();
    expect(withGreedy).toBe('ANY /{proxy+}');
    expect(withDefault).toBe('$default');
    expect(root).toBe('GET /');
  });

  it('gives a greedy variable every remaining segment and a parameter exactly one', () => {
    // Prepare
    const routes = compileRoutes([
      ['GET /files/{path+}', 'files'],
      ['GET /users/{userId}/orders/{orderId}', 'order'],
    ]);

    // Act
    const file = matchRoute(routes, { method: 'GET', path: '/files/a/b/c.txt' });
    const order = matchRoute(routes, { method: 'GET', path: '/users/u-1/orders/o-2' });
    const tooDeep = matchRoute(routes, { method: 'GET', path: '/users/u-1/orders/o-2/x' });
    const emptySegment = matchRoute(routes, { method: 'GET', path: '/users//orders/o-2' });

    // Assess
    expect(file?.pathParameters).toEqual({ path: 'a/b/c.txt' });
    expect(order?.pathParameters).toEqual({ userId: 'u-1', orderId: 'o-2' });
    expect(tooDeep).toBeUndefined();
    expect(emptySegment).toBeUndefined();
  });

  it('percent-decodes parameters and marks a broken escape as malformed instead of throwing', () => {
    // Prepare
    const routes = compileRoutes([['GET /incidents/{id}', 'incident']]);

    // Act
    const decoded = matchRoute(routes, { method: 'GET', path: '/incidents/a%20b%2Fc' });
    const broken = matchRoute(routes, { method: 'GET', path: '/incidents/%E0%A4%A' });

    // Assess
    expect(decoded).toMatchObject({ pathParameters: { id: 'a b/c' } });
    expect(decoded?.malformed).toBeUndefined();
    expect(broken).toMatchObject({ pathParameters: {}, malformed: '%E0%A4%A' });
    expect(decodePathValue('%')).toBeUndefined();
    expect(decodePathValue('plain')).toBe('plain');
  });

  it('matches literal segments literally, regex characters included', () => {
    // Act
    const dotted = winner(['GET /v1.0/status'], 'GET', '/v1.0/status');
    const notWildcard = winner(['GET /v1.0/status'], 'GET', '/v1x0/status');

    // Assess
    expect(dotted).toBe('GET /v1.0/status');
    expect(notWildcard).toBeUndefined();
  });
});

describe('route keys', () => {
  it.each([
    ['FETCH /orders', /METHOD one of/],
    ['GET orders', /<METHOD> \/path/],
    ['GET /orders/', /cannot end in "\/"/],
    ['GET /{proxy+}/tail', /must be the last segment/],
    ['GET /orders/x{id}', /whole-segment/],
  ])('refuses %s', (key, reason) => {
    // Act
    const compile = (): unknown => compileRoute(key, null);

    // Assess
    expect(compile).toThrow(HttpRouteConfigError);
    expect(compile).toThrow(reason);
  });

  it('accepts $default and the names API Gateway allows', () => {
    // Act
    const routes = [compileRoute('$default', 1), compileRoute('GET /a/{order-id}/{v_2}', 2)];

    // Assess
    expect(routes.map((r) => r.method)).toEqual(['ANY', 'GET']);
    expect(routes[1]?.params).toEqual(['order-id', 'v_2']);
  });
});
