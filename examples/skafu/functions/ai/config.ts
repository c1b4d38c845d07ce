// The AI domain's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv, optionalEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** Most tokens one analysis may cost (prompt + answer); more is AILimitReached. */
  tokenLimit: optionalEnv('AI_TOKEN_LIMIT', env) === undefined ? 400 : numberEnv('AI_TOKEN_LIMIT', { integer: true, min: 1 }, env),
}));
