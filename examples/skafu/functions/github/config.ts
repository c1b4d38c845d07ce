// The GitHub domain's configuration, read once on first use (lib/config).
import { defineConfig, optionalEnv } from '../../../../lib/config';

export const config = defineConfig((env) => ({
  /** The organisation new repositories are created in. */
  owner: optionalEnv('GITHUB_OWNER', env, 'skafu-projects'),
}));
