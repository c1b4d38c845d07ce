import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodegenExampleError, CodegenUnsupportedError } from '../../scripts/codegen/errors';
import { runCodegen, type CodegenResult } from '../../scripts/codegen/pipeline';
import { freshDir, ROOT, typecheck } from '../helpers/codegen';

// Regression set: the official AsyncAPI 3 examples (tests/fixtures/asyncapi-examples, vendored
// from asyncapi/spec under Apache-2.0). Codegen must turn each into code that compiles under
// the project's strict tsconfig, or refuse it with a message: never an internal error.
const EXAMPLES = 'tests/fixtures/asyncapi-examples';
const files = readdirSync(join(ROOT, EXAMPLES)).filter((f) => f.endsWith('.yml')).sort();

/** What these examples are known to need: anything else must generate. */
const REFUSED: Record<string, { error: typeof CodegenUnsupportedError | typeof CodegenExampleError; message: RegExp }> = {
  // Its Avro payloads are $refs to www.asyncapi.com: codegen never fetches over the network.
  'adeo-kafka-request-reply-asyncapi.yml': { error: CodegenUnsupportedError, message: /\$ref "https:\/\/www\.asyncapi\.com\/.*CostingRequestPayload\.avsc" is remote/ },
  // Their second SubscriptionStatus example breaks its own oneOf (the official file's error).
  'kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml': { error: CodegenExampleError, message: /example #2 of message SubscriptionStatus: \/status: must be one of/ },
  'kraken-websocket-request-reply-multiple-channels-asyncapi.yml': { error: CodegenExampleError, message: /example #2 of message SubscriptionStatus: \/status: must be one of/ },
};

describe('codegen over the official AsyncAPI examples', () => {
  const outcomes = new Map<string, { dir: string; result?: CodegenResult; error?: unknown }>();

  beforeAll(async () => {
    for (const file of files) {
      const dir = freshDir(`asyncapi-example-${file.replace(/\.yml$/, '')}`);
      try {
        const result = await runCodegen({ spec: join(EXAMPLES, file), out: join(dir, 'generated'), functionsDir: false, cwd: ROOT });
        outcomes.set(file, { dir, result });
      } catch (error) {
        outcomes.set(file, { dir, error });
      }
    }
  }, 300_000);

  it('vendors the examples with their license', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(readFileSync(join(ROOT, EXAMPLES, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(readFileSync(join(ROOT, EXAMPLES, 'NOTICE'), 'utf8')).toContain('AsyncAPI Initiative');
  });

  it('refuses only the known ones, each with a codegen error naming the problem', () => {
    for (const file of files) {
      const outcome = outcomes.get(file);
      const known = REFUSED[file];
      if (known) {
        expect({ file, error: outcome?.error }).toEqual({ file, error: expect.any(known.error) });
        expect((outcome?.error as Error).message).toMatch(known.message);
      } else {
        // A non-CodegenError would be an internal error (exit 70): show it whole.
        expect({ file, error: outcome?.error instanceof Error ? outcome.error.stack : outcome?.error }).toEqual({ file, error: undefined });
        expect(outcome?.result?.status).toBe('generated');
      }
    }
  });

  it('generates code that compiles strictly for every other example', () => {
    const generated = files.filter((f) => !REFUSED[f]).flatMap((file) => {
      const root = join(outcomes.get(file)?.dir as string, 'generated');
      return readdirSync(root, { recursive: true }).map(String).filter((p) => p.endsWith('.ts')).map((p) => join(root, p));
    });
    expect(generated.length).toBeGreaterThan(100);
    expect(typecheck(generated)).toEqual([]);
  }, 120_000);

  it('generates oneof-asyncapi.yml, whose messages $ref the same component schema (once an Ajv duplicate-id crash)', () => {
    const validators = readFileSync(join(outcomes.get('oneof-asyncapi.yml')?.dir as string, 'generated', 'validators', 'index.ts'), 'utf8');
    expect(validators).toMatch(/ObjectWithKey/);
  });

  it('writes the gitter example\'s "\\r\\n" enum value as an escaped literal', () => {
    const heartbeat = readFileSync(join(outcomes.get('gitter-streaming-asyncapi.yml')?.dir as string, 'generated', 'models', 'Heartbeat.ts'), 'utf8');
    expect(heartbeat).toContain('type Heartbeat = "\\r\\n";');
  });

  it('generates a refused example anyway with --allow-invalid-examples, one warning per invalid example', async () => {
    // Prepare
    const file = 'kraken-websocket-request-reply-multiple-channels-asyncapi.yml';
    const dir = freshDir('asyncapi-example-kraken-allow');
    // Act
    const result = await runCodegen({ spec: join(EXAMPLES, file), out: join(dir, 'generated'), functionsDir: false, cwd: ROOT, allowInvalidExamples: true });
    // Assess: the same issues the refusal listed, now as warnings, and the code was written.
    const refused = outcomes.get(file)?.error as CodegenExampleError;
    const invalid = result.warnings.filter((w) => w.message.startsWith('invalid example'));
    expect(invalid.map((w) => w.pointer)).toEqual(refused.issues.map((i) => i.pointer));
    expect(invalid.length).toBeGreaterThan(0);
    expect(result.status).toBe('generated');
  }, 60_000);
});
