// The users service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** UsersTable: profiles, the email index, welcome messages (pk/sk). */
  usersTable: requireEnv('USERS_TABLE', env),
  /** The users service's own outbox. */
  outboxTable: requireEnv('USERS_OUTBOX_TABLE', env),
}));
