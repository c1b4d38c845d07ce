// The query side's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({ projectViewsTable: requireEnv('PROJECT_VIEWS_TABLE', env) }));
