export { createHttpApi, route, CORRELATION_HEADER } from './api';
export type { HttpApiHandler, HttpApiOptions, HttpContext, HttpRequest, HttpResult, HttpRoute, RouteDefinition } from './api';
export { HttpError, BadRequestError, MalformedJsonError, UnauthorizedError, NotFoundError, RouteNotFoundError, ConflictError, UnsupportedMediaTypeError, ValidationFailedError, HttpRouteConfigError, MalformedPathError } from './errors';
export type { HttpErrorOptions } from './errors';
export { compileRoute, compileRoutes, decodePathValue, matchRoute } from './routing';
export type { CompiledRoute, RouteMatch } from './routing';
export { claimsOf, scopesOf } from './claims';
