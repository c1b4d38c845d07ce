/** A client could not be configured (e.g. a local endpoint without a usable region). */
export class ClientConfigError extends Error {
  readonly code = 'CLIENT_CONFIG_INVALID';
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot configure the ${service} client: ${message}`, options);
    this.name = 'ClientConfigError';
  }
}
