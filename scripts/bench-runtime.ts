/**
 * `npm run bench:runtime [-- --message <name>]`: (1) validations per second of a typical
 * payload (the spec's example of <name>, default: the first event of the catalog) with the
 * generated validator (bundled by esbuild as serverless.yml bundles functions) against @middy/validator compiling the same schema at run
 * time; (2) per-record overhead of the lib/consumer stack, idempotency off. Medians of
 * several runs after warm-up, same process. Writes its section of BENCHMARKS.md.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import catalog from '../generated/catalog.json';
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import type { StandaloneValidator } from '../lib/envelope';
import type { EventBridgeEvent, Route } from '../lib/envelope';
import { loadSpec } from './codegen/load';
import { SpecLocator } from './codegen/locate';
import { buildModel } from './codegen/model';
import { writeBenchSection } from './bench/report';
import { benchConsumer, type BundledStack } from './bench/runtime-consumer';
import { benchValidation } from './bench/runtime-validation';

const ROOT = resolve(__dirname, '..');
const SPEC = resolve(ROOT, 'asyncapi', 'asyncapi.yaml');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const VALIDATIONS_TARGET = 1_000_000;
const OVERHEAD_TARGET_US = 50;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { message: { type: 'string' } } });
  const event = values.message === undefined ? catalog.events[0] : catalog.events.find((e) => e.name === values.message);
  if (!event) throw new Error(`no event ${values.message ?? ''} in generated/catalog.json`);
  const name = event.name;
  const { document } = await loadSpec(SPEC, ROOT);
  const payload = buildModel(document, new SpecLocator(SPEC, ROOT)).messages.find((m) => m.name === name)?.examples[0]?.payload;
  if (payload === undefined) throw new Error(`${name} has no example in the spec`);

  // (1) validation
  const definitions = catalog.schemas as Record<string, object>;
  const schema = { ...(definitions[event.schemaId] as object), definitions };
  // The validators as a function runs them: one minified esbuild bundle, not tsx's per-file transform.
  const outDir = join(ROOT, '.test-out', 'bench-runtime');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'validators.js');
  await build({ stdin: { contents: `export { standaloneValidators } from ${JSON.stringify(join(ROOT, 'generated', 'validators'))};`, resolveDir: ROOT, loader: 'ts' }, bundle: true, minify: true, platform: 'node', target: 'node22', format: 'cjs', outfile, logLevel: 'silent' });
  const bundled = require(outfile) as { standaloneValidators: Record<string, StandaloneValidator> };
  const validator = bundled.standaloneValidators[name];
  if (!validator) throw new Error(`no generated validator for ${name}`);
  const v = await benchValidation(payload, validator, schema, RUNS);
  const ratio = v.standalone.opsPerSecond / v.middyCompiled.opsPerSecond;

  // (2) consumer stack, on the first queue that receives the event, bundled as a function
  // runs it (tsx's per-module transform adds a getter call to every cross-module call).
  const consumer = event.consumers[0];
  if (!consumer) throw new Error(`${name} has no consumer queue`);
  const consumerFile = join(outDir, 'consumer.js');
  const entry = [
    `export { createSqsConsumer } from ${JSON.stringify(join(ROOT, 'lib', 'consumer'))};`,
    `export { Logger } from '@aws-lambda-powertools/logger';`,
    `export { Metrics } from '@aws-lambda-powertools/metrics';`,
    `export * as queueModule from ${JSON.stringify(join(ROOT, 'generated', 'consumers', consumer.queue))};`,
  ].join('\n');
  await build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' }, bundle: true, minify: true, platform: 'node', target: 'node22', format: 'cjs', outfile: consumerFile, external: ['@aws-sdk/*'], logLevel: 'silent' });
  const bundle = require(consumerFile) as BundledStack & { queueModule: Record<string, unknown> };
  const routes = Object.entries(bundle.queueModule).find(([key]) => key.endsWith('QueueRoutes') || key.endsWith('Routes'))?.[1] as Readonly<Record<string, Route>>;
  const delivered: EventBridgeEvent = { version: '0', id: '00000000-0000-4000-8000-000000000000', 'detail-type': event.detailType, source: event.source, account: '123456789012', time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: payload };
  const c = await benchConsumer(bundle, consumer.queue, routes, delivered, RUNS);

  const bytes = Buffer.byteLength(JSON.stringify(payload));
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  const table1 = [
    '| validator | validations/s | µs per validation |',
    '|---|---|---|',
    `| generated validator (compiled from the spec at codegen time, bundled by esbuild) | ${f(v.standalone.opsPerSecond)} | ${(v.standalone.nsPerOp / 1000).toFixed(2)} |`,
    `| @middy/validator, \`transpileSchema\` at run time (its Ajv, called directly) | ${f(v.middyCompiled.opsPerSecond)} | ${(v.middyCompiled.nsPerOp / 1000).toFixed(2)} |`,
    `| @middy/validator middleware \`before\` hook with that schema | ${f(v.middyMiddleware.opsPerSecond)} | ${(v.middyMiddleware.nsPerOp / 1000).toFixed(2)} |`,
    `| reference: Ajv with the codegen's options (allErrors, fast formats), compiled in-process | ${f(v.ajvReference.opsPerSecond)} | ${(v.ajvReference.nsPerOp / 1000).toFixed(2)} |`,
  ].join('\n');
  const table2 = [
    `| handler (batch of ${c.batchSize}) | µs per batch | µs per record |`,
    '|---|---|---|',
    `| lib/consumer stack, no-op handlers, idempotency off | ${(c.stack.nsPerOp / 1000).toFixed(1)} | ${(c.stack.nsPerOp / 1000 / c.batchSize).toFixed(2)} |`,
    `| bare async handler calling the no-op per record | ${(c.bare.nsPerOp / 1000).toFixed(1)} | ${(c.bare.nsPerOp / 1000 / c.batchSize).toFixed(2)} |`,
    `| **overhead of the stack per record** | | **${c.perRecordUs.toFixed(2)}** |`,
  ].join('\n');
  const verdict = [
    `Targets: at least ${f(VALIDATIONS_TARGET)} validations/s (${v.standalone.opsPerSecond >= VALIDATIONS_TARGET ? 'met' : 'MISSED'}: ${f(v.standalone.opsPerSecond)}/s, ${ratio.toFixed(1)}× @middy/validator),`,
    `consumer stack overhead under ${OVERHEAD_TARGET_US} µs per record (${c.perRecordUs < OVERHEAD_TARGET_US ? 'met' : 'MISSED'}: ${c.perRecordUs.toFixed(2)} µs).`,
  ].join(' ');
  const body = [
    '## Runtime (`npm run bench:runtime`)',
    '',
    `Payload: the spec's \`${name}\` example (${bytes} bytes of JSON). Median of ${RUNS} runs after warm-up, one process; ratios are against the baseline measured in the same run.`,
    '',
    '### Validation',
    '',
    table1,
    '',
    `Ratio generated / @middy/validator: **${ratio.toFixed(1)}×**. Compiling the schema at run time with \`transpileSchema\` costs ${v.middyCompileMs.toFixed(0)} ms once (a cold start); the generated validator is a \`require\`.`,
    '',
    '### Consumer stack',
    '',
    `Full Middy handler of \`createSqsConsumer\`, bundled by esbuild as a function runs it (Powertools logger with per-record keys, metrics flushed once per batch as EMF, batch partial response; JSON parse, validation and dispatch of each record) on queue \`${consumer.queue}\`; log/EMF lines are serialised but not written to the terminal while measuring.`,
    '',
    table2,
    '',
    verdict,
  ].join('\n');
  writeBenchSection(ROOT, 'runtime', body);
  process.stdout.write(`${table1}\n\n${table2}\n\n${verdict}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:runtime failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
