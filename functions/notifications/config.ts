// The notifications service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../lib/config';

export const config = defineConfig((env) => ({ readModelTable: requireEnv('READ_MODEL_TABLE', env) }));
