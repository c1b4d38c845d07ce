import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCodegen } from '../../scripts/codegen/pipeline';
import { cli, freshDir, ROOT, typecheck } from '../helpers/codegen';

// Spec shapes real-world AsyncAPI documents have and codegen once got wrong (issue 20, part 4).
const FIXTURES = 'tests/fixtures/specs/part4';

type Validate = (input: unknown) => { ok: boolean };

async function generateInto(name: string, spec: string): Promise<{ dir: string; warnings: string[] }> {
  const dir = freshDir(name);
  const result = await runCodegen({ spec, out: join(dir, 'generated'), functionsDir: false, cwd: ROOT });
  return { dir, warnings: result.warnings.map((w) => w.message) };
}

describe('messages whose payloads $ref the same component schema, one through oneOf', () => {
  it('generates one validator per message, sharing the schema, each judging its own payload', async () => {
    // Prepare + Act
    const { dir } = await generateInto('shared-ref', `${FIXTURES}/shared-ref.yaml`);
    const v = (await import(join(dir, 'generated', 'validators'))) as Record<string, Validate>;
    // Assess: both messages of ObjectWithKey accept a key and refuse a key2; the oneOf takes either, not both.
    for (const name of ['validateKeyed', 'validateKeyedAgain']) {
      expect(v[name]?.({ key: 'a' }).ok).toBe(true);
      expect(v[name]?.({ key2: 'a' }).ok).toBe(false);
    }
    expect(v['validateEither']?.({ key2: 'b' }).ok).toBe(true);
    expect(v['validateEither']?.({ key: 'b' }).ok).toBe(true);
    expect(v['validateEither']?.({ key: 'b', key2: 'c' }).ok).toBe(false);
  }, 60_000);
});

describe('a spec with Avro messages beside JSON Schema ones', () => {
  it('generates the JSON Schema message and skips each Avro one with a warning naming it', async () => {
    const { dir, warnings } = await generateInto('avro-mixed', `${FIXTURES}/avro-mixed.yaml`);
    const skipped = warnings.filter((w) => w.includes('skipped'));
    expect(skipped).toEqual([
      expect.stringMatching(/^message userDeleted skipped: its payload schemaFormat "application\/vnd\.apache\.avro;version=1\.9\.0" is not JSON Schema/),
      expect.stringMatching(/^message userRenamed skipped: its payload schemaFormat "application\/vnd\.apache\.avro\+yaml;version=1\.9\.0" is not JSON Schema/),
    ]);
    const models = readFileSync(join(dir, 'generated', 'models', 'index.ts'), 'utf8');
    expect(models).toContain('UserSignedUp');
    expect(models).not.toMatch(/UserDeleted|UserRenamed/);
  }, 60_000);

  it('prints each skipped message as a warning on the command line and exits 0', () => {
    const out = join(freshDir('avro-cli'), 'generated');
    const run = cli(['--spec', `${FIXTURES}/avro-mixed.yaml`, '--out', out, '--no-stubs']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/codegen: warning tests\/fixtures\/specs\/part4\/avro-mixed\.yaml:\d+:\d+: message userDeleted skipped/);
    expect(run.stderr).toMatch(/message userRenamed skipped/);
  }, 60_000);
});

describe('strings from the spec in generated TypeScript', () => {
  const marks = ["it's", 'say "hi"', 'back\\slash', 'C:\\new', 'tab\there', '\r\n', 'Zürich ✓ 日本', 'line\u2028sep', 'para\u2029sep', '`${x}`'];
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateInto('escapes', `${FIXTURES}/escapes.yaml`));
  }, 60_000);

  it('compiles, and the types hold exactly the spec\'s values: quotes, backslashes, newlines, non-ASCII, U+2028/2029', () => {
    // Prepare: a file using every enum value, and one using a value the spec does not list.
    const ok = join(dir, 'uses-values.ts');
    const bad = join(dir, 'uses-wrong-value.ts');
    writeFileSync(ok, `import type { OddStrings } from './generated';\nexport const all: OddStrings['mark'][] = ${JSON.stringify(marks)};\nexport const line: OddStrings['line'] = '\\r\\n';\nexport const quoted: OddStrings['key with "quotes"'] = "it's \\\\ \\"both\\"";\nexport const key: OddStrings["it's a \\\\ key\\n"] = 'any';\n`);
    writeFileSync(bad, `import type { OddStrings } from './generated';\nexport const wrong: OddStrings['mark'] = 'back\\\\\\\\slash';\n`);
    const generated = join(dir, 'generated', 'index.ts');
    // Act
    const diagnostics = typecheck([generated, ok, bad]);
    // Assess: only the wrong value fails (TS2322 not assignable, or TS2820 its "did you mean" form).
    expect(diagnostics.map((d) => ({ file: d.file.slice(dir.length + 1), code: [2322, 2820].includes(d.code) }))).toEqual([{ file: 'uses-wrong-value.ts', code: true }]);
  }, 60_000);

  it('validates the same values at run time, and refuses a near miss', async () => {
    const v = (await import(join(dir, 'generated', 'validators'))) as Record<string, Validate>;
    for (const mark of marks) expect({ mark, ok: v['validateOddStrings']?.({ mark, line: '\r\n' }).ok }).toEqual({ mark, ok: true });
    expect(v['validateOddStrings']?.({ mark: 'Zurich ✓ 日本', line: '\r\n' }).ok).toBe(false);
    expect(v['validateOddStrings']?.({ mark: "it's", line: '\n' }).ok).toBe(false);
  });

  it('quotes property names with the same helper (Modelina leaves them raw)', () => {
    const model = readFileSync(join(dir, 'generated', 'models', 'OddStrings.ts'), 'utf8');
    expect(model).toContain(`'it\\'s a \\\\ key\\n'?: string;`);
    expect(model).toContain(`'key with "quotes"'?: "it's \\\\ \\"both\\"";`);
  });
});

describe('the generated header', () => {
  it('names a spec inside the project relative to it, and one outside as given', async () => {
    // Inside: relative to the project, whatever the output folder.
    const { dir } = await generateInto('header-inside', join(ROOT, FIXTURES, 'avro-mixed.yaml'));
    expect(readFileSync(join(dir, 'generated', 'index.ts'), 'utf8')).toMatch(/^\/\/ Generated by scripts\/codegen from tests\/fixtures\/specs\/part4\/avro-mixed\.yaml\./);
    // Outside: as given, never ../../tmp/...
    const outside = join(tmpdir(), `codegen-header-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    copyFileSync(join(ROOT, FIXTURES, 'avro-mixed.yaml'), join(outside, 'spec.yaml'));
    const out = freshDir('header-outside');
    await runCodegen({ spec: join(outside, 'spec.yaml'), out: join(out, 'generated'), functionsDir: false, cwd: ROOT });
    const header = readFileSync(join(out, 'generated', 'index.ts'), 'utf8').split('\n')[0];
    expect(header).toBe(`// Generated by scripts/codegen from ${join(outside, 'spec.yaml')}. Do not edit: change the spec and run \`npm run codegen\`.`);
  }, 60_000);
});

describe('--allow-invalid-examples', () => {
  const spec = 'tests/fixtures/specs/broken/bad-example/asyncapi.yaml';

  it('is off by default: the spec is refused and nothing is written', () => {
    const out = join(freshDir('invalid-default'), 'generated');
    const run = cli(['--spec', spec, '--out', out, '--no-stubs']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('example "negative count" of message ThingHappened: /count: must be >= 0');
  }, 60_000);

  it('generates anyway and prints each invalid example as a warning with its place', () => {
    const out = join(freshDir('invalid-allowed'), 'generated');
    const run = cli(['--spec', spec, '--out', out, '--no-stubs', '--allow-invalid-examples']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('codegen: warning tests/fixtures/specs/broken/bad-example/messages.yaml:14:16: invalid example (generated anyway, --allow-invalid-examples): example "negative count" of message ThingHappened: /count: must be >= 0');
    expect(readFileSync(join(out, 'index.ts'), 'utf8')).toContain('Generated by scripts/codegen');
    // Without the option, the same unchanged inputs are refused again (not "up to date").
    const again = cli(['--spec', spec, '--out', out, '--no-stubs']);
    expect(again.status).toBe(1);
  }, 90_000);
});
