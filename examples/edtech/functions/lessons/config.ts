// The lessons service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** LessonsTable: slot holds, lessons and chat sessions (pk/sk). */
  lessonsTable: requireEnv('LESSONS_TABLE', env),
  /** The lessons service's own outbox. */
  outboxTable: requireEnv('LESSONS_OUTBOX_TABLE', env),
}));
