// The payments service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** PaymentsTable: accounts and payments (pk/sk). */
  paymentsTable: requireEnv('PAYMENTS_TABLE', env),
  /** The payments service's own outbox. */
  outboxTable: requireEnv('PAYMENTS_OUTBOX_TABLE', env),
}));
