// The wods domain's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  wodsTable: requireEnv('WODS_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
