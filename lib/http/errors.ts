export interface HttpErrorOptions {
  /** Stable machine-readable code for clients; defaults per class. */
  code?: string;
  /** JSON-serialisable details (e.g. validation issues); never a stack trace. */
  details?: unknown;
  cause?: unknown;
}

/**
 * An error whose message may be shown to the client. Throw a subclass from a route
 * handler (or map a domain error to one with `mapError`); anything else becomes a 500
 * with a generic message.
 */
export class HttpError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(
    readonly statusCode: number,
    message: string,
    options: HttpErrorOptions & { defaultCode?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.code = options.code ?? options.defaultCode ?? 'HTTP_ERROR';
    this.details = options.details;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(400, message, { defaultCode: 'BAD_REQUEST', ...options });
    this.name = 'BadRequestError';
  }
}

/** The body is missing or not valid JSON. */
export class MalformedJsonError extends HttpError {
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(400, message, { defaultCode: 'MALFORMED_JSON', ...options });
    this.name = 'MalformedJsonError';
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'authentication required', options: HttpErrorOptions = {}) {
    super(401, message, { defaultCode: 'UNAUTHORIZED', ...options });
    this.name = 'UnauthorizedError';
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(404, message, { defaultCode: 'NOT_FOUND', ...options });
    this.name = 'NotFoundError';
  }
}

/** No route matches the method and path. */
export class RouteNotFoundError extends NotFoundError {
  constructor(method: string, path: string) {
    super(`no route for ${method} ${path}`, { code: 'ROUTE_NOT_FOUND' });
    this.name = 'RouteNotFoundError';
  }
}

/** A path parameter whose percent-escape does not decode (API Gateway answers 400 too). */
export class MalformedPathError extends HttpError {
  constructor(value: string, options: HttpErrorOptions = {}) {
    super(400, `Bad Request: the path has a malformed percent-escape in "${value}"`, { defaultCode: 'MALFORMED_PATH', ...options });
    this.name = 'MalformedPathError';
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(409, message, { defaultCode: 'CONFLICT', ...options });
    this.name = 'ConflictError';
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(415, message, { defaultCode: 'UNSUPPORTED_MEDIA_TYPE', ...options });
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** The body is JSON but breaks the command's schema; `details.issues` names each path. */
export class ValidationFailedError extends HttpError {
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string; keyword: string }[],
    options: Omit<HttpErrorOptions, 'details'> = {},
  ) {
    super(400, message, { defaultCode: 'VALIDATION_FAILED', ...options, details: { issues: issues.map(({ path, message: m, keyword }) => ({ path: path || '/', message: m, keyword })) } });
    this.name = 'ValidationFailedError';
  }
}

/** A route table that cannot work (bad route key); thrown when the API is created. */
export class HttpRouteConfigError extends Error {
  readonly code = 'HTTP_ROUTE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'HttpRouteConfigError';
  }
}
