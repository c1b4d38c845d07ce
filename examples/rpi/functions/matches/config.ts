// The matches service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** The event store (aggregateId / version): every match's events. */
  eventStoreTable: requireEnv('EVENT_STORE_TABLE', env),
  /** The matches projection (pk SEASON#<season>, sk MATCH#<matchId>). */
  matchesTable: requireEnv('MATCHES_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
