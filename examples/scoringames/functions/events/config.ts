// The events domain's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  eventsTable: requireEnv('EVENTS_TABLE', env),
  eventDaysTable: requireEnv('EVENT_DAYS_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
