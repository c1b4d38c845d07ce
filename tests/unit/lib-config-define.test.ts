import { ConfigMissingError, defineConfig, requireEnv } from '../../lib/config';

// defineConfig: a service's configuration read once, on first use, through the checked accessors.

describe('defineConfig', () => {
  it('reads nothing until first asked, then reads once and returns the same object', () => {
    // Prepare
    const env: Record<string, string | undefined> = {};
    let reads = 0;
    const config = defineConfig((e) => {
      reads += 1;
      return { table: requireEnv('ORDERS_TABLE', e) };
    }, env);
    env['ORDERS_TABLE'] = 'orders-dev';

    // Act
    const first = config();
    env['ORDERS_TABLE'] = 'changed';
    const second = config();

    // Assess
    expect(first).toEqual({ table: 'orders-dev' });
    expect(second).toBe(first);
    expect(reads).toBe(1);
  });

  it('fails loudly, naming the variable, when a required one is missing', () => {
    // Prepare
    const config = defineConfig((e) => ({ table: requireEnv('ORDERS_TABLE', e) }), {});

    // Act / Assess
    expect(() => config()).toThrow(ConfigMissingError);
    expect(() => config()).toThrow('environment variable ORDERS_TABLE is not set');
  });
});
