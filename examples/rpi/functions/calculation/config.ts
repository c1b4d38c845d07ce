// The calculation service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** RatingsTable: each calculation (pk SEASON#<season>, sk CALC#<id>) and the season's current results (sk CURRENT). */
  ratingsTable: requireEnv('RATINGS_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
