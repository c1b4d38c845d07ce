import type { Env } from './config';

/**
 * A service's configuration, read once: the first call reads it from `env` (through the
 * checked accessors, so a missing variable fails loudly, naming it), later calls return
 * the same object. Reading on first use, not at import, lets tests and tools import a
 * handler module without its environment.
 *
 * @example
 * // functions/orders/config.ts
 * export const config = defineConfig((env) => ({ table: requireEnv('ORDERS_TABLE', env) }));
 */
export function defineConfig<T>(read: (env: Env) => T, env: Env = process.env): () => T {
  let value: { read: T } | undefined;
  return () => (value ??= { read: read(env) }).read;
}
