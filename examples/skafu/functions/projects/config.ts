// The projects service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** EventStoreTable: the project streams (aggregateId, version). */
  eventStoreTable: requireEnv('EVENT_STORE_TABLE', env),
  /** ProjectNamesTable: one row per taken project name (unique names, claimed with ProjectCreated). */
  projectNamesTable: requireEnv('PROJECT_NAMES_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
