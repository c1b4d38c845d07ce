import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundleOptions, externalMatches, functionEntries, packageOf, powertoolsLayer, providerOfPattern, readServerlessConfig } from '../../scripts/function-bundles';
import { ROOT } from '../helpers/codegen';

// Every function bundled as serverless.yml bundles it (scripts/function-bundles.ts, the same
// options `npm run bench:bundle` measures with), checked for what decides its cold start:
// an AWS SDK client imported at the top of a module is loaded at init (60-100 ms for
// DynamoDB's), on every cold start, even on paths that never call AWS; lib/clients/sdk.ts
// loads them on first use instead.

const config = readServerlessConfig(ROOT);
const entries = [...functionEntries(ROOT, config)];

/** Modules loaded at init: left external and imported by an `import` statement (not a `require()` inside a function). */
function importedAtInit(metafile: Metafile): { from: string; module: string }[] {
  return Object.entries(metafile.inputs).flatMap(([from, input]) => input.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => ({ from, module: i.path })));
}

describe('function bundles (serverless.yml custom.esbuild)', () => {
  it('reads every function of serverless.yml and its included files', () => {
    expect(entries.length).toBeGreaterThan(10);
    expect(Object.fromEntries(entries)).toMatchObject({ 'outbox-relay': 'functions/outbox/relay.ts', 'errors-queries': 'functions/errors/queries.ts' });
  });

  it('imports no AWS SDK client at the top of any module: they load on first use', async () => {
    const { external, ...options } = bundleOptions(config);
    const clientAtInit = /^@aws-sdk\/(client-|lib-)/;
    for (const [name, entry] of entries) {
      const { metafile } = await build({ ...options, external, entryPoints: [join(ROOT, entry)], outfile: join(ROOT, '.test-out', 'function-bundles', `${name}.js`), write: false, metafile: true });
      const eager = importedAtInit(metafile).filter((i) => clientAtInit.test(i.module));
      expect([name, eager]).toEqual([name, []]);
    }
  }, 60_000);

  it("imports no AWS SDK client at the top of any module of the examples' functions either (each bundled from its own serverless.yml)", async () => {
    const clientAtInit = /^@aws-sdk\/(client-|lib-)/;
    for (const example of readdirSync(join(ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'serverless.yml')))) {
      const root = join(ROOT, 'examples', example.name);
      const own = readServerlessConfig(root);
      const { external, ...options } = bundleOptions(own);
      for (const [name, entry] of functionEntries(root, own)) {
        const { metafile } = await build({ ...options, external, absWorkingDir: root, entryPoints: [join(root, entry)], outfile: join(ROOT, '.test-out', 'function-bundles', example.name, `${name}.js`), write: false, metafile: true });
        // The project's own modules (an example bundles Powertools, whose idempotency layer imports DynamoDB's client itself)
        const eager = importedAtInit(metafile).filter((i) => clientAtInit.test(i.module) && !i.from.includes('node_modules/'));
        expect([example.name, name, eager]).toEqual([example.name, name, []]);
      }
    }
  }, 120_000);

  it('matches esbuild externals as esbuild does, and names what provides each on AWS', () => {
    expect(externalMatches('@aws-lambda-powertools/*', '@aws-lambda-powertools/logger/middleware')).toBe(true);
    expect(externalMatches('@aws-lambda-powertools/*', '@aws-lambda-powertools-extra')).toBe(false);
    expect(externalMatches('aws-xray-sdk-core', 'aws-xray-sdk-core/dist/lib')).toBe(true);
    expect(externalMatches('aws-xray-sdk-core', 'aws-xray-sdk-corex')).toBe(false);
    expect(packageOf('@aws-lambda-powertools/tracer/middleware')).toBe('@aws-lambda-powertools/tracer');
    expect(packageOf('cls-hooked/context')).toBe('cls-hooked');
    const inLayer = new Set(['@aws-lambda-powertools/logger', 'aws-xray-sdk-core']);
    expect(['@aws-sdk/*', '@aws-lambda-powertools/*', 'aws-xray-sdk-core', 'ajv'].map((p) => providerOfPattern(p, inLayer))).toEqual(['runtime', 'layer', 'layer', undefined]);
  });

  it('says what is wrong in a bad custom.powertoolsLayer', () => {
    const custom = config['custom'] as Record<string, unknown>;
    const withLayer = (layer: Record<string, unknown>): Record<string, unknown> => ({ ...config, custom: { ...custom, powertoolsLayer: { ...(custom['powertoolsLayer'] as object), ...layer } } });
    expect(powertoolsLayer(config).utilities).toContain('tracer');
    expect(() => powertoolsLayer(withLayer({ powertools: '^2.35.0' }))).toThrow('custom.powertoolsLayer.powertools: expected an exact Powertools version (x.y.z), got "^2.35.0"');
    expect(() => powertoolsLayer(withLayer({ version: '50' }))).toThrow('custom.powertoolsLayer.version: expected a layer version number, got "50"');
    expect(() => powertoolsLayer(withLayer({ account: 94274105915 }))).toThrow('custom.powertoolsLayer.account');
    expect(() => powertoolsLayer({ ...config, custom: { ...custom, powertoolsLayer: undefined } })).toThrow('serverless.yml custom.powertoolsLayer is missing');
  });
});
