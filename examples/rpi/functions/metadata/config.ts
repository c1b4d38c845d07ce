// The metadata service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** TeamsTable: team metadata, read-only reference data seeded from data.json (lib/reference-data). */
  teamsTable: requireEnv('TEAMS_TABLE', env),
  /** RankingsCacheTable: one item per season, the ranked teams with their metadata. */
  rankingsCacheTable: requireEnv('RANKINGS_CACHE_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
}));
