import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CodegenExampleError, CodegenSpecError } from '../../scripts/codegen/errors';
import { cli, freshDir, generate } from '../helpers/codegen';

const FIXTURES = 'tests/fixtures/specs/broken';

describe('codegen on a broken spec', () => {
  it('names file and line of a $ref that points nowhere, and writes nothing', async () => {
    // Prepare
    const dir = freshDir('bad-ref');
    // Act
    const error = await generate(`${FIXTURES}/bad-ref/asyncapi.yaml`, dir).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(CodegenSpecError);
    const issue = (error as CodegenSpecError).issues.find((i) => i.message.includes('DoesNotExist'));
    expect(issue?.location).toEqual({ file: `${FIXTURES}/bad-ref/messages.yaml`, line: 5, column: 15 });
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });

  it('names file and line of an example that breaks its schema, with the failing path', async () => {
    const dir = freshDir('bad-example');
    const error = await generate(`${FIXTURES}/bad-example/asyncapi.yaml`, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenExampleError);
    const issues = (error as CodegenExampleError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('example "negative count" of message ThingHappened: /count: must be >= 0');
    expect(issues[0]?.location).toEqual({ file: `${FIXTURES}/bad-example/messages.yaml`, line: 14, column: 16 });
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });

  it('names file and line of an unknown operation action', async () => {
    const dir = freshDir('bad-action');
    const error = await generate(`${FIXTURES}/bad-action/asyncapi.yaml`, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenSpecError);
    const issue = (error as CodegenSpecError).issues.find((i) => i.pointer === '/operations/publishThing/action');
    expect(issue?.message).toMatch(/"action" property must be equal to one of the allowed values: "send", "receive"/);
    expect(issue?.location).toMatchObject({ file: `${FIXTURES}/bad-action/asyncapi.yaml`, line: 11 });
  });

  it('reports every broken convention at once, each with its place', async () => {
    const dir = freshDir('bad-convention');
    const error = await generate(`${FIXTURES}/bad-convention/asyncapi.yaml`, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenSpecError);
    const messages = (error as CodegenSpecError).issues.map((i) => `${i.location?.line}: ${i.message}`);
    expect(messages).toEqual([
      '11: x-eventbridge.bus "nowhere" is not a server of the spec (known: core, errors)',
      '12: x-scope must be "integration" or "local", got "global"',
    ]);
  });

  it('the CLI exits 1 and prints file:line: message', () => {
    const result = cli(['--spec', `${FIXTURES}/bad-example/asyncapi.yaml`, '--out', '.test-out/cli-bad/generated', '--no-stubs']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${FIXTURES}/bad-example/messages.yaml:14:16: example "negative count" of message ThingHappened: /count: must be >= 0`);
    expect(result.stderr).toContain('nothing was written');
  });

  it('refuses AsyncAPI 2.x with a clear message instead of crashing', async () => {
    const dir = freshDir('v2');
    const { writeFileSync } = await import('node:fs');
    const spec = join(dir, 'v2.yaml');
    writeFileSync(spec, 'asyncapi: 2.6.0\ninfo: {title: Old, version: 1.0.0}\nchannels: {}\n');
    const error = await generate(spec, dir).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/AsyncAPI 2\.6\.0 is not supported: use 3\.0\.x or 3\.1\.x/);
  });
});
