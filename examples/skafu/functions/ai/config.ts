// The AI domain's configuration, read once on first use (lib/config).
import { defineConfig, numberEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** Most tokens one analysis may cost (prompt + answer); more is AILimitReached. */
  tokenLimit: numberEnv('AI_TOKEN_LIMIT', { default: 400, integer: true, min: 1 }, env),
}));
