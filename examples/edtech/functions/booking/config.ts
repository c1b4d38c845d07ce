// The booking service's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv, optionalEnv, requireEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** BookingsTable: the booking requests (pk/sk). */
  bookingsTable: requireEnv('BOOKINGS_TABLE', env),
  /** SagaTable: the lesson booking sagas' state (lib/saga). */
  sagaTable: requireEnv('SAGA_TABLE', env),
  /** The booking service's own outbox (the saga's commands go through it too). */
  outboxTable: requireEnv('BOOKING_OUTBOX_TABLE', env),
  /** Overrides every saga step's timeout of the spec (tests, a stage param). */
  sagaStepTimeoutSeconds: optionalEnv('SAGA_STEP_TIMEOUT_SECONDS', env) === undefined ? undefined : numberEnv('SAGA_STEP_TIMEOUT_SECONDS', { integer: true, min: 1 }, env),
}));
