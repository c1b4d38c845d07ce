// The payments service's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv, requireEnv } from '../../lib/config';

export const config = defineConfig((env) => ({
  paymentsTable: requireEnv('PAYMENTS_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
  /** Payments up to this amount (cents) are approved at once; above it they wait for the back office (a per-stage param). */
  autoApproveCents: numberEnv('PAYMENT_AUTO_APPROVE_CENTS', { integer: true, min: 0 }, env),
}));
