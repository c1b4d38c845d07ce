// The monitoring service's configuration, read once on first use (lib/config).
import { defineConfig, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** KpiTable: one item per received integration event (pk EVENTS#<hour>, sk occurredAt#eventId). */
  kpiTable: requireEnv('KPI_TABLE', env),
}));
