import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERRORS_BUS_KEY } from '../../scripts/codegen/emit/consumers';
import { cli, freshDir, ROOT } from '../helpers/codegen';

// The kit (lib/, local/, scripts/) runs other projects than the root one: every example
// under examples/ (issue 19) is generated, checked and packaged by the root's commands with
// --project, and the kit holds no word of any example's domain (the dependency rule: only
// an example's asyncapi/ and functions/ are its domain code).

const EXAMPLES = existsSync(join(ROOT, 'examples')) ? readdirSync(join(ROOT, 'examples')).filter((d) => existsSync(join(ROOT, 'examples', d, 'serverless.yml'))) : [];

/**
 * The words that belong to an example's domain: its name, message names, sources and bus names
 * (generated catalog) and its package.json config.domainWords. The name of the errors bus'
 * event is the kit's convention, not a domain word (codegen's ERRORS_BUS_KEY; the kit's docs,
 * ops and console name it): seed 003's ErrorOccurred is the platform's error event.
 */
function domainWords(example: string): string[] {
  const dir = join(ROOT, 'examples', example);
  const catalog = JSON.parse(readFileSync(join(dir, 'generated', 'catalog.json'), 'utf8')) as { events: { name: string; source: string; bus: string; busName: string }[] };
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { config?: { domainWords?: string[] } };
  return [...new Set([example, ...catalog.events.flatMap((e) => [...(e.bus === ERRORS_BUS_KEY ? [] : [e.name]), e.source, e.busName]), ...(pkg.config?.domainWords ?? [])])];
}

function kitFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js|cjs|mjs|md|sh|json|html|css)$/.test(entry)) out.push(path);
    }
  };
  for (const dir of ['lib', 'local', 'scripts']) walk(join(ROOT, dir));
  return out;
}

describe('examples on the kit', () => {
  it('finds the examples', () => {
    expect(EXAMPLES).toEqual(expect.arrayContaining(['scoringames', 'rpi', 'edtech', 'skafu']));
  });

  it.each(EXAMPLES)('codegen --check --project examples/%s: its generated/ matches its spec', (example) => {
    const result = cli(['--check', '--project', join('examples', example)]);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain(`codegen: examples/${example}/generated/ matches asyncapi/asyncapi.yaml`);
  });

  it('refuses a --project that is no project, by name, with exit code 2', () => {
    const result = cli(['--check', '--project', 'examples/no-such-example']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`codegen: --project examples/no-such-example: no folder ${join(ROOT, 'examples', 'no-such-example')}`);
  });

  it.each(EXAMPLES)('npm run package -- --project examples/%s packages its own serverless.yml with the kit\'s osls', (example) => {
    const out = join(freshDir(`kit-package-${example}`), 'package');
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'sls.ts'), 'package', '--project', join('examples', example), '--stage', 'dev', '--package', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect([result.status, result.stderr.includes('Error')]).toEqual([0, false]);
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    // Every function of the example's template is one of its own handlers, never the root's.
    for (const f of functions) expect(existsSync(join(ROOT, 'examples', example, `${String(f.Properties['Handler']).replace(/\.[^.]+$/, '')}.ts`))).toBe(true);
  }, 120_000);

  it('npm run package refuses a --project that is no project, by name, before osls runs', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'sls.ts'), 'package', '--project', 'examples/no-such-example'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('package: --project examples/no-such-example: no folder');
  });

  it.each(EXAMPLES)('lib/, local/ and scripts/ hold no word of the %s domain', (example) => {
    const words = domainWords(example);
    const pattern = new RegExp(`\\b(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})s?\\b`, 'i');
    const hits = kitFiles().flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
    );
    expect(hits).toEqual([]);
  });
});
