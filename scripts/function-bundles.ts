/**
 * How serverless.yml bundles each Lambda function, read from serverless.yml itself, so that
 * `npm run bench:bundle` and the bundle contract tests build exactly what `osls package`
 * (serverless-esbuild) ships: the functions and their handler modules, the esbuild options of
 * `custom.esbuild` with its `exclude` list as esbuild externals, and the Powertools layer
 * (`custom.powertoolsLayer`) that provides some of those externals on AWS.
 */
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** serverless.yml, parsed (variables such as `${sls:stage}` are left as written). */
export function readServerlessConfig(root: string): Json {
  const config: unknown = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'));
  if (!isObject(config)) throw new Error(`${join(root, 'serverless.yml')}: not a mapping`);
  return config;
}

/** Function name -> handler module (`functions/x/y.ts`), from serverless.yml and the files it includes with `${file(...)}`. */
export function functionEntries(root: string, config: Json): Map<string, string> {
  const out = new Map<string, string>();
  const add = (block: unknown, where: string): void => {
    if (typeof block === 'string') {
      const file = /^\$\{file\(([^)]+)\)\}$/.exec(block)?.[1];
      if (!file) throw new Error(`${where}: cannot read ${block} (only \${file(...)} entries are followed)`);
      add(parse(readFileSync(join(root, file), 'utf8')), file);
      return;
    }
    if (Array.isArray(block)) {
      for (const item of block) add(item, where);
      return;
    }
    if (!isObject(block)) throw new Error(`${where}: functions must be a mapping or a list, got ${JSON.stringify(block)}`);
    for (const [name, fn] of Object.entries(block)) {
      const handler = isObject(fn) ? fn['handler'] : undefined;
      if (typeof handler !== 'string' || !handler.includes('.')) throw new Error(`${where}: function ${name} has no handler "path/module.export"`);
      out.set(name, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`);
    }
  };
  add(config['functions'], 'serverless.yml functions');
  return out;
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new Error(`serverless.yml ${what} must be a list of strings, got ${JSON.stringify(value)}`);
  return value;
}

/** The esbuild options serverless-esbuild gets from `custom.esbuild`; `exclude` becomes esbuild's `external`. */
export function bundleOptions(config: Json): BuildOptions & { external: string[] } {
  const custom = config['custom'];
  const o = isObject(custom) && isObject(custom['esbuild']) ? custom['esbuild'] : {};
  const format = o['format'] ?? 'cjs';
  if (format !== 'cjs' && format !== 'esm') throw new Error(`serverless.yml custom.esbuild.format: expected cjs or esm, got ${JSON.stringify(format)}`);
  return {
    bundle: true,
    minify: o['minify'] === true,
    keepNames: o['keepNames'] === true,
    platform: 'node',
    target: String(o['target'] ?? 'node22'),
    format,
    mainFields: o['mainFields'] === undefined ? ['main', 'module'] : stringList(o['mainFields'], 'custom.esbuild.mainFields'),
    external: stringList(o['exclude'], 'custom.esbuild.exclude'),
    logLevel: 'silent',
  };
}

export interface PowertoolsLayer {
  account: string;
  /** The layer's version number in the ARN. */
  version: number;
  /** The Powertools release that layer version holds. */
  powertools: string;
  /** The Powertools utilities it installs (`@aws-lambda-powertools/<utility>`), with their dependencies. */
  utilities: string[];
}

/** `custom.powertoolsLayer`, checked. */
export function powertoolsLayer(config: Json): PowertoolsLayer {
  const custom = config['custom'];
  const l = isObject(custom) ? custom['powertoolsLayer'] : undefined;
  if (!isObject(l)) throw new Error('serverless.yml custom.powertoolsLayer is missing');
  const { account, version, powertools } = l;
  if (typeof account !== 'string' || !/^\d{12}$/.test(account)) throw new Error(`serverless.yml custom.powertoolsLayer.account: expected a 12-digit account id as a string, got ${JSON.stringify(account)}`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new Error(`serverless.yml custom.powertoolsLayer.version: expected a layer version number, got ${JSON.stringify(version)}`);
  if (typeof powertools !== 'string' || !/^\d+\.\d+\.\d+$/.test(powertools)) throw new Error(`serverless.yml custom.powertoolsLayer.powertools: expected an exact Powertools version (x.y.z), got ${JSON.stringify(powertools)}`);
  const utilities = stringList(l['utilities'], 'custom.powertoolsLayer.utilities');
  if (!utilities.length) throw new Error('serverless.yml custom.powertoolsLayer.utilities: empty');
  return { account, version, powertools, utilities };
}

/** The layer's ARN in one region (what `${aws:region}` in provider.layers becomes). */
export function powertoolsLayerArn(layer: PowertoolsLayer, region: string): string {
  return `arn:aws:lambda:${region}:${layer.account}:layer:AWSLambdaPowertoolsTypeScriptV2:${layer.version}`;
}

/** The package a module specifier loads: `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));
}

/** Whether esbuild's `external` pattern (a name, its subpaths, or one `*` wildcard) covers a module specifier. */
export function externalMatches(pattern: string, specifier: string): boolean {
  if (pattern.includes('*')) {
    const [before = '', after = ''] = pattern.split('*');
    return specifier.length >= before.length + after.length && specifier.startsWith(before) && specifier.endsWith(after);
  }
  return specifier === pattern || specifier.startsWith(`${pattern}/`);
}

export type Provider = 'runtime' | 'layer';

/** What provides a module a bundle leaves external on AWS: the nodejs runtime (AWS SDK v3), the Powertools layer, or nothing. */
export function providerOf(specifier: string, layerPackages: ReadonlySet<string>): Provider | undefined {
  if (specifier.startsWith('@aws-sdk/')) return 'runtime';
  return layerPackages.has(packageOf(specifier)) ? 'layer' : undefined;
}

/** What provides the modules an `exclude` pattern leaves out: the runtime for `@aws-sdk/...`, the layer when it holds a package the pattern covers. */
export function providerOfPattern(pattern: string, layerPackages: ReadonlySet<string>): Provider | undefined {
  if (pattern.startsWith('@aws-sdk/')) return 'runtime';
  return [...layerPackages].some((name) => externalMatches(pattern, name)) ? 'layer' : undefined;
}

function packageJson(dir: string): Json | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return isObject(json) ? json : undefined;
}

/** Where Node would find `name` from a package in `fromDir` (its own node_modules first, then up). */
function packageDir(name: string, fromDir: string, root: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/**
 * The packages the layer installs: its Powertools utilities and their dependencies, read
 * from this project's node_modules (which holds the same Powertools release). Peer
 * dependencies are left out: only what the layer surely holds counts. A utility not
 * installed here counts as itself only.
 */
export function layerPackages(root: string, layer: PowertoolsLayer): Set<string> {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string): void => {
    if (found.has(name)) return;
    found.add(name);
    const dir = packageDir(name, fromDir, root);
    const json = dir ? packageJson(dir) : undefined;
    if (!dir || !json) return;
    for (const dep of Object.keys(isObject(json['dependencies']) ? json['dependencies'] : {})) visit(dep, dir);
  };
  for (const utility of layer.utilities) visit(`@aws-lambda-powertools/${utility}`, root);
  return found;
}
