// The observability service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({ errorsTable: requireEnv('ERRORS_TABLE', env) }));
