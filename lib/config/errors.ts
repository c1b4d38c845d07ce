/** Base of every configuration error; `variable` names the environment variable at fault. */
export class ConfigError extends Error {
  readonly code: string = 'CONFIG_ERROR';
  constructor(
    message: string,
    readonly variable: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** A required environment variable is not set (or is empty). */
export class ConfigMissingError extends ConfigError {
  override readonly code = 'CONFIG_MISSING';
  constructor(variable: string, hint?: string) {
    super(`environment variable ${variable} is not set${hint ? ` (${hint})` : ''}`, variable);
    this.name = 'ConfigMissingError';
  }
}

/** An environment variable is set but cannot be parsed as the expected type. */
export class ConfigInvalidError extends ConfigError {
  override readonly code = 'CONFIG_INVALID';
  constructor(
    variable: string,
    readonly value: string,
    expected: string,
    options?: { cause?: unknown },
  ) {
    super(`environment variable ${variable}=${JSON.stringify(value)} is not ${expected}`, variable, options);
    this.name = 'ConfigInvalidError';
  }
}
