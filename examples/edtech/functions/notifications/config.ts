// The notifications service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** NotificationsTable: each user's notifications (pk USER#id, sk time#id). */
  notificationsTable: requireEnv('NOTIFICATIONS_TABLE', env),
}));
