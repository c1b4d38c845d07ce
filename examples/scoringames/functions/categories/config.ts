// The categories domain's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  categoriesTable: requireEnv('CATEGORIES_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
