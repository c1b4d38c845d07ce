// The scheduler's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv, optionalEnv, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** SchedulesTable: request records, gather rounds and schedules (pk/sk). */
  schedulesTable: requireEnv('SCHEDULES_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
  /** How long a round waits for the four domains, instead of the spec's x-gathers deadline (tests, a stage param). */
  deadlineSeconds: optionalEnv('SCHEDULE_DEADLINE_SECONDS', env) === undefined ? undefined : numberEnv('SCHEDULE_DEADLINE_SECONDS', { integer: true, min: 1 }, env),
}));
