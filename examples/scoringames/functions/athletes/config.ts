// The athletes domain's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  athletesTable: requireEnv('ATHLETES_TABLE', env),
  athleteEventsTable: requireEnv('ATHLETE_EVENTS_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
