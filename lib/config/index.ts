export { ENV, requireEnv, optionalEnv, numberEnv, booleanEnv, busNameVariable, resolveBusName, endpointFor } from './config';
export type { Env, NumberOptions, AwsService } from './config';
export { ConfigError, ConfigMissingError, ConfigInvalidError } from './errors';
export { defineConfig } from './define';
