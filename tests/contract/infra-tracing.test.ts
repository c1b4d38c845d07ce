import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { externalMatches, isBuiltin, layerPackages, packageOf, powertoolsLayer, powertoolsLayerArn, providerOf, providerOfPattern, readServerlessConfig, type PowertoolsLayer } from '../../scripts/function-bundles';
import { freshDir, ROOT } from '../helpers/codegen';
import { asArray, logicalId, packageStage, resourcesOfType, type Json, type Template } from '../helpers/template';
import { readZip } from '../helpers/zip';

// X-Ray in the packaged template (real `osls package`): active tracing on every function,
// what `tracing.apiGateway` does (and does not) reach, and the X-Ray permission of each
// function role, least privilege. Tracer (with the X-Ray SDK) and the rest of Powertools
// reach the functions through the official Powertools layer, not their bundles: the layer on
// every function, pinned to the release package.json installs, and the packaged zips holding
// nothing the runtime or the layer would have to provide but does not.

const REGION = 'eu-west-1'; // serverless.yml's default region: what `${aws:region}` becomes here
const BUNDLE_BUDGET_BYTES = 150 * 1024; // BENCHMARKS.md target per function (npm run bench:bundle)

let dev: Template;
let packageDir: string;
let config: Json;
let layer: PowertoolsLayer;
let inLayer: Set<string>;

beforeAll(() => {
  packageDir = join(freshDir('template-tracing'), 'dev');
  dev = packageStage('dev', packageDir);
  config = readServerlessConfig(ROOT);
  layer = powertoolsLayer(config);
  inLayer = layerPackages(ROOT, layer);
}, 120_000);

const statementsOf = (document: unknown): Json[] => asArray((document as Json | undefined)?.['Statement']) as Json[];
const actionsOf = (statement: Json): string[] => asArray(statement['Action']).map(String);

describe('tracing in the packaged template', () => {
  it('runs every function with active X-Ray tracing', () => {
    const functions = resourcesOfType(dev, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, fn] of functions) expect([id, fn.Properties['TracingConfig']]).toEqual([id, { Mode: 'Active' }]);
  });

  it('has an HTTP API only: apiGateway tracing has no REST stage to switch on, and ApiGatewayV2 has no tracing setting', () => {
    expect(resourcesOfType(dev, 'AWS::ApiGateway::Stage')).toEqual([]);
    expect(resourcesOfType(dev, 'AWS::ApiGateway::RestApi')).toEqual([]);
    const stages = resourcesOfType(dev, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    expect(JSON.stringify(stages[0]?.[1].Properties)).not.toMatch(/tracing/i);
  });

  it('lets every function role write traces, with the two X-Ray actions only and nowhere else', () => {
    const policies = resourcesOfType(dev, 'AWS::IAM::Policy').filter(([, p]) => statementsOf(p.Properties['PolicyDocument']).some((s) => actionsOf(s).some((a) => a.startsWith('xray:'))));
    expect(policies.map(([id]) => id)).toEqual(['XRayWritePolicy']);
    const policy = policies[0]?.[1].Properties as Json;
    expect(statementsOf(policy['PolicyDocument'])).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    const attached = new Set(asArray(policy['Roles']).map(logicalId));
    const functionRoles = resourcesOfType(dev, 'AWS::Lambda::Function').map(([id, fn]) => [id, logicalId(fn.Properties['Role'])] as const);
    for (const [id, role] of functionRoles) expect([id, role !== undefined && attached.has(role)]).toEqual([id, true]);
    // Only function roles: the scheduler's role and others get no X-Ray permission.
    expect([...attached].sort()).toEqual([...new Set(functionRoles.map(([, r]) => r))].sort());
    // No role's inline policies grant X-Ray on their own (e.g. a wildcard action).
    for (const [id, role] of resourcesOfType(dev, 'AWS::IAM::Role')) {
      const inline = asArray(role.Properties['Policies']).flatMap((p) => statementsOf((p as Json)['PolicyDocument']));
      expect([id, inline.filter((s) => actionsOf(s).some((a) => a.startsWith('xray:') || a === '*'))]).toEqual([id, []]);
    }
  });
});

const installedVersion = (name: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const excludes = (): string[] => asArray(((config['custom'] as Json)['esbuild'] as Json)['exclude'] as string[] | undefined);

/** Each function's packaged code (its zip in the package folder), by logical id. */
function packagedCode(): [string, Map<string, Buffer>][] {
  return resourcesOfType(dev, 'AWS::Lambda::Function').map(([id, fn]) => {
    const key = String((fn.Properties['Code'] as Json | undefined)?.['S3Key'] ?? '');
    return [id, readZip(join(packageDir, basename(key)))];
  });
}

describe('Powertools from its public layer in the packaged template', () => {
  it('attaches the pinned Powertools layer, in the stage\'s region, to every function', () => {
    const functions = resourcesOfType(dev, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    const arn = powertoolsLayerArn(layer, REGION);
    expect(arn).toBe(`arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:${layer.version}`);
    for (const [id, fn] of functions) expect([id, fn.Properties['Layers']]).toEqual([id, [arn]]);
    // The region comes from the stage's region, not a literal one.
    expect(asArray((config['provider'] as Json)['layers'] as string[] | undefined)).toEqual([expect.stringContaining(':${aws:region}:')]);
  });

  it('pins the layer to the Powertools release package.json installs, utility by utility', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const powertools = Object.entries({ ...pkg['devDependencies'], ...pkg['dependencies'] }).filter(([name]) => name.startsWith('@aws-lambda-powertools/'));
    expect(powertools.length).toBeGreaterThan(0);
    for (const [name, range] of powertools) {
      // Locally (tests, local cloud) the code runs with node_modules' Powertools, on AWS with the layer's: the same release.
      expect([name, range, installedVersion(name)]).toEqual([name, layer.powertools, layer.powertools]);
      expect([name, layer.utilities.includes(name.slice('@aws-lambda-powertools/'.length))]).toEqual([name, true]);
    }
  });

  it('leaves out of the bundles all of Powertools and the X-Ray SDK, and only what the runtime or the layer provides', () => {
    const patterns = excludes();
    for (const pattern of patterns) expect([pattern, providerOfPattern(pattern, inLayer)]).toEqual([pattern, expect.stringMatching(/^(runtime|layer)$/)]);
    // Every installed package a layer pattern leaves out must be in the layer (a wildcard covers packages the layer may not hold).
    const installed = [...readdirSync(join(ROOT, 'node_modules', '@aws-lambda-powertools')).map((n) => `@aws-lambda-powertools/${n}`), 'aws-xray-sdk-core'];
    for (const name of installed) {
      const leftOut = patterns.filter((p) => providerOfPattern(p, inLayer) === 'layer' && externalMatches(p, name));
      if (leftOut.length) expect([name, inLayer.has(name)]).toEqual([name, true]);
    }
    // And none of Powertools or Tracer's X-Ray SDK is bundled.
    for (const name of [...installed.filter((n) => n.startsWith('@aws-lambda-powertools/')), 'aws-xray-sdk-core', '@aws-lambda-powertools/tracer/middleware']) {
      expect([name, patterns.some((p) => externalMatches(p, name))]).toEqual([name, true]);
    }
  });

  it('ships each function as one bundle whose every external module is a Node builtin, the runtime\'s AWS SDK or in the layer', () => {
    for (const [id, files] of packagedCode()) {
      const names = [...files.keys()];
      expect([id, names.length, names.some((n) => n.includes('node_modules/'))]).toEqual([id, 1, false]);
      const code = [...files.values()][0]?.toString('utf8') ?? '';
      const required = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string))];
      const unprovided = required.filter((m) => !m.startsWith('.') && !isBuiltin(m) && providerOf(m, inLayer) === undefined);
      expect([id, unprovided]).toEqual([id, []]);
      // Powertools is required from the layer, not bundled: every stack logs through Powertools Logger.
      expect([id, required.map(packageOf)]).toEqual([id, expect.arrayContaining(['@aws-lambda-powertools/logger'])]);
    }
  });

  it('keeps every function bundle within its 150 KB budget', () => {
    const sizes = packagedCode().map(([id, files]) => [id, [...files.values()].reduce((sum, f) => sum + f.length, 0)] as const);
    for (const [id, size] of sizes) expect([id, size <= BUNDLE_BUDGET_BYTES ? 'within budget' : `${(size / 1024).toFixed(1)} KB`]).toEqual([id, 'within budget']);
  });
});
