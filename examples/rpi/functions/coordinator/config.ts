// The coordinator's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv, optionalEnv, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** SagaTable: one item per rpiCalculation saga (lib/saga). */
  sagaTable: requireEnv('SAGA_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
  /** Every step's timeout instead of the spec's (tests, a stage param). */
  sagaStepTimeoutSeconds: optionalEnv('SAGA_STEP_TIMEOUT_SECONDS', env) === undefined ? undefined : numberEnv('SAGA_STEP_TIMEOUT_SECONDS', { integer: true, min: 1 }, env),
}));
