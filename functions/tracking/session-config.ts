// Configuration of the tracking sessions (sessions.ts), read once on first use (lib/config).
// Kept apart from the ETA responder's config.ts so the two can be merged independently.
import { defineConfig, requireEnv } from '../../lib/config';

export const sessionConfig = defineConfig((env) => ({
  trackingTable: requireEnv('TRACKING_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
