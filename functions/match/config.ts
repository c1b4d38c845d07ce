// The match service's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv, optionalEnv, requireEnv } from '../../lib/config';

/** How long a vendor has to accept an offer, unless OFFER_TTL_SECONDS says otherwise. */
export const OFFER_TTL_SECONDS = 120;

export const config = defineConfig((env) => ({
  readModelTable: requireEnv('READ_MODEL_TABLE', env),
  outboxTable: requireEnv('OUTBOX_TABLE', env),
  sagaTable: requireEnv('SAGA_TABLE', env),
  /** How long a vendor has to answer an offer. */
  offerTtlSeconds: numberEnv('OFFER_TTL_SECONDS', { default: OFFER_TTL_SECONDS, integer: true, min: 1 }, env),
  /** How long a matching round waits for vendor, pricing and tracking. */
  matchingDeadlineSeconds: numberEnv('MATCHING_DEADLINE_SECONDS', { default: 3, integer: true, min: 1 }, env),
  /** One timeout for every saga step instead of the spec's (tests, or a stage that needs it). */
  sagaStepTimeoutSeconds: optionalEnv('SAGA_STEP_TIMEOUT_SECONDS', env) === undefined ? undefined : numberEnv('SAGA_STEP_TIMEOUT_SECONDS', { integer: true, min: 1 }, env),
}));
