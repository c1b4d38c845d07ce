import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { EventBridgeEvent, Route } from '../../lib/envelope';
import { runContract, type ContractCatalog, type ContractValidator } from '../../lib/testing';
import { matches } from '../../local/event-pattern';
import { CodegenSpecError } from '../../scripts/codegen/errors';
import { cli, freshDir, generate, ROOT, typecheck } from '../helpers/codegen';

// Codegen on a versioned event: tests/fixtures/specs/versions, a copy of the Roadcall spec cut
// down to IncidentCreated v1 (x-deprecated) and IncidentCreatedV2, both sent by incident and
// both received by reporting (README "Versioning and upcasting").

const FIXTURE = 'tests/fixtures/specs/versions';
const SPEC = `${FIXTURE}/asyncapi.yaml`;

type Json = Record<string, unknown>;

/** A reporting consumer as a user writes it: a typed upcaster v1 -> v2 and a handler of v2 only. */
const OK_CONSUMER = `import { createReportingQueueConsumer, type ReportingQueueHandlers, type ReportingQueueUpcasters } from './generated';
import type { ConsumerContext } from '../../lib/consumer';
export const upcasters: ReportingQueueUpcasters = {
  IncidentCreated: ({ problemType, ...rest }, metadata) => ({ ...rest, problem: { type: problemType, severity: metadata.producer === 'incident' ? 'unknown' : 'low' } }),
};
export const handlers: ReportingQueueHandlers<ConsumerContext> = {
  IncidentCreatedV2: (event) => { const severity: 'low' | 'medium' | 'high' | 'unknown' = event.detail.data.problem.severity; void severity; },
};
export const handler = createReportingQueueConsumer(handlers, upcasters);
`;

/** What the compiler must refuse, one error a line (4-7). */
const WRONG_CONSUMER = `import { createReportingQueueConsumer, type ReportingQueueHandlers, type ReportingQueueUpcasters } from './generated';
import type { ConsumerContext } from '../../lib/consumer';
const handlers: ReportingQueueHandlers<ConsumerContext> = { IncidentCreatedV2: () => undefined };
createReportingQueueConsumer(handlers, {});
const keepsV1: ReportingQueueUpcasters = { IncidentCreated: (data) => data };
const oldHandler: ReportingQueueHandlers<ConsumerContext> = { IncidentCreatedV2: () => undefined, IncidentCreated: () => undefined };
createReportingQueueConsumer(handlers);
export { keepsV1, oldHandler };
`;

/** A copy of the fixture in `dir`, its incident messages edited as text; returns the root path. */
function editedCopy(dir: string, edit: (messages: string) => string, editReporting: (service: string) => string = (s) => s): string {
  const copy = join(dir, 'spec');
  cpSync(join(ROOT, FIXTURE), copy, { recursive: true });
  const messages = join(copy, 'incident', 'messages.yaml');
  writeFileSync(messages, edit(readFileSync(messages, 'utf8')));
  const reporting = join(copy, 'reporting', 'service.yaml');
  writeFileSync(reporting, editReporting(readFileSync(reporting, 'utf8')));
  return join(copy, 'asyncapi.yaml');
}

async function specErrors(spec: string, dir: string): Promise<string[]> {
  const error = await generate(spec, dir, { stubs: false }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodegenSpecError);
  return (error as CodegenSpecError).issues.map((i) => i.message);
}

describe('codegen on two versions of one event', () => {
  let dir: string;
  let warnings: { message: string; location?: { file: string; line: number } }[];
  let stubs: string[];
  const generated = (path: string): string => readFileSync(join(dir, 'generated', path), 'utf8');
  // One compiler run for every file the type tests write (a program costs seconds).
  const sources: Record<string, string> = {};
  let diagnostics: ReturnType<typeof typecheck> | undefined;
  const diagnosticsOf = (file: string): ReturnType<typeof typecheck> => {
    if (!diagnostics) {
      for (const [name, code] of Object.entries(sources)) writeFileSync(join(dir, name), code);
      const stubFiles = ['consumer.ts', 'upcasters.ts'].map((f) => join(dir, 'functions', 'reporting', f));
      diagnostics = typecheck([...Object.keys(sources).map((n) => join(dir, n)), ...stubFiles]);
    }
    return diagnostics.filter((d) => d.file === file);
  };

  beforeAll(async () => {
    dir = freshDir('versions-codegen');
    const result = await generate(SPEC, dir);
    warnings = result.warnings;
    stubs = result.stubs;
    sources['ok.ts'] = OK_CONSUMER;
    sources['wrong.ts'] = WRONG_CONSUMER;
  });

  it('warns, naming the message, that IncidentCreated is deprecated (a warning, not an error)', () => {
    const deprecation = warnings.filter((w) => /x-deprecated/.test(w.message));
    expect(deprecation).toHaveLength(1);
    expect(deprecation[0]?.message).toBe(
      'message IncidentCreated is x-deprecated: replaced by IncidentCreatedV2 (problem type and severity in one object); newer: IncidentCreatedV2; still sent by incident, received by reporting-queue, received by notifications-queue (remove it once nothing does)',
    );
    expect(deprecation[0]?.location?.file).toBe(`${FIXTURE}/incident/messages.yaml`);
  });

  it('routes both versions by detail-type to the queue that receives them', () => {
    const { rules } = JSON.parse(generated('infra/rules.json')) as { rules: Json[] };
    expect(rules).toEqual([
      {
        logicalId: 'ReportingQueueCoreRule',
        queue: 'reporting-queue',
        service: 'reporting',
        bus: 'core',
        pattern: { source: ['roadcall.incident'], 'detail-type': ['IncidentCreated', 'IncidentCreatedV2'] },
        messages: ['IncidentCreated', 'IncidentCreatedV2'],
      },
      {
        logicalId: 'NotificationsQueueCoreRule',
        queue: 'notifications-queue',
        service: 'notifications',
        bus: 'core',
        pattern: { source: ['roadcall.incident'], 'detail-type': ['IncidentCreated'] },
        messages: ['IncidentCreated'],
      },
    ]);
    // The pattern, matched with EventBridge's semantics: both versions, nothing else of the family or source.
    const pattern = rules[0]?.['pattern'] as Parameters<typeof matches>[0];
    const event = (source: string, detailType: string): Json => ({ version: '0', id: '1', source, 'detail-type': detailType, account: '1', time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { metadata: { eventVersion: '9.9' } } });
    expect(matches(pattern, event('roadcall.incident', 'IncidentCreated'))).toBe(true);
    expect(matches(pattern, event('roadcall.incident', 'IncidentCreatedV2'))).toBe(true);
    expect(matches(pattern, event('roadcall.incident', 'IncidentCreatedV3'))).toBe(false);
    expect(matches(pattern, event('roadcall.intake', 'IncidentCreatedV2'))).toBe(false);
    const catalog = JSON.parse(generated('catalog.json')) as { events: Json[] };
    expect(catalog.events.filter((e) => String(e['name']).startsWith('IncidentCreated')).map((e) => [e['name'], e['detailType'], e['version']])).toEqual([
      ['IncidentCreated', 'IncidentCreated', '1.0'],
      ['IncidentCreatedV2', 'IncidentCreatedV2', '2.0'],
    ]);
  });

  it('gives the producer a typed publisher for each version, the old one @deprecated', () => {
    const publishers = generated('publishers/incident.ts');
    expect(publishers).toContain('export const incidentPublisher = { IncidentCreated, IncidentCreatedV2 } as const;');
    expect(publishers).toMatch(/@deprecated x-deprecated in the spec: replaced by IncidentCreatedV2 \(problem type and severity in one object\); publish IncidentCreatedV2\n \*\/\nexport function IncidentCreated\(/);
    expect(publishers).toMatch(/version: "2\.0" \}/);
  });

  it('leaves a consumer still on v1 as it was: its handler map keyed by v1, no upcasters', () => {
    const consumer = generated('consumers/notifications-queue.ts');
    expect(consumer).toContain('export type NotificationsQueueEvents = {\n  "IncidentCreated": IncidentCreated;\n};');
    expect(consumer).not.toContain('Upcaster');
    expect(consumer).toContain('export function createNotificationsQueueConsumer(handlers: NotificationsQueueHandlers<ConsumerContext>, options: NotificationsQueueConsumerOptions = {})');
  });

  it('types the handler map with the latest version only, and the upcasters per step', () => {
    const consumer = generated('consumers/reporting-queue.ts');
    expect(consumer).toContain('export type ReportingQueueEvents = {\n  "IncidentCreatedV2": IncidentCreatedV2;\n};');
    expect(consumer).toContain('  IncidentCreated: EnvelopeUpcaster<IncidentCreated, IncidentCreatedV2>;');
    expect(consumer).toContain('upcast: [envelopeUpcastStep(upcasters.IncidentCreated, { messageName: "IncidentCreatedV2", detailType: "IncidentCreatedV2", version: "2.0", validate: IncidentCreatedV2Schema })]');
    expect(stubs.map((p) => p.split('/functions/')[1]).sort()).toEqual(['notifications/consumer.ts', 'reporting/consumer.ts', 'reporting/upcasters.ts']);
    expect(readFileSync(join(dir, 'functions', 'reporting', 'consumer.ts'), 'utf8')).toContain('export const handler = createReportingQueueConsumer(handlers, upcasters);');
  });

  it('compiles a consumer with a typed upcaster, and the stubs as written', () => {
    expect(diagnosticsOf(join(dir, 'ok.ts'))).toEqual([]);
    expect(diagnosticsOf(join(dir, 'functions', 'reporting', 'consumer.ts'))).toEqual([]);
    expect(diagnosticsOf(join(dir, 'functions', 'reporting', 'upcasters.ts'))).toEqual([]);
  });

  it('refuses at compile time a missing upcaster, a wrong result, a handler of the old version', () => {
    const errors = diagnosticsOf(join(dir, 'wrong.ts'));
    expect(errors.map((e) => e.line)).toEqual([4, 5, 6, 7]);
    expect(errors[0]?.message).toMatch(/Property 'IncidentCreated' is missing/);
    expect(errors[1]?.message).toMatch(/Property '+problem'+ is missing in type 'IncidentCreatedData'/);
    expect(errors[2]?.message).toMatch(/'IncidentCreated' does not exist in type/);
    expect(errors[3]?.message).toMatch(/Expected 2-3 arguments, but got 1/);
  });

  it('shows the deprecation, the versions and the upcast in the docs', () => {
    const v1 = generated('docs/events/IncidentCreated.html');
    expect(v1).toContain('<span class="badge deprecated"');
    expect(v1).toMatch(/<strong>Deprecated<\/strong> \(x-deprecated\): replaced by IncidentCreatedV2 \(problem type and severity in one object\)\. Use <a [^>]*>IncidentCreatedV2<\/a>\. Still sent by incident, received by reporting-queue, received by notifications-queue; remove it once nothing does\./);
    expect(v1).toMatch(/<code>reporting-queue<\/code>: IncidentCreated → IncidentCreatedV2 <span class="muted">\(its handler sees IncidentCreatedV2\)<\/span>/);
    expect(v1).toContain('id="versions"');
    const v2 = generated('docs/events/IncidentCreatedV2.html');
    expect(v2).not.toContain('badge deprecated" style="background:#fee2e2;color:#991b1b">deprecated</span></h1>');
    expect(v2).toMatch(/id="versions".*IncidentCreated<\/a><\/td><td>1\.0 <span class="badge deprecated"/s);
    expect(generated('docs/index.html')).toMatch(/IncidentCreated<\/a> <span class="badge deprecated"/);
  });

  it('runs both versions\' examples through the contract harness, v1 upcast by the queue\'s routes', async () => {
    // Prepare: the generated surface, a handler of v2 that records, the user's upcaster
    const g = require(join(dir, 'generated')) as { validators: Record<string, ContractValidator>; reportingQueueRoutes: (u: unknown) => Record<string, Route> };
    const catalog = JSON.parse(generated('catalog.json')) as ContractCatalog;
    const seen: [string, string, unknown][] = [];
    const handlers = { IncidentCreatedV2: (e: EventBridgeEvent<string, { metadata: { eventVersion: string }; data: { problem: unknown } }>) => void seen.push([e.id, e.detail.metadata.eventVersion, e.detail.data.problem]) };
    const upcasters = { IncidentCreated: ({ problemType, ...rest }: { problemType: string }) => ({ ...rest, problem: { type: problemType, severity: 'unknown' } }) };
    const spec = { catalog, validators: g.validators, examples: () => import('../helpers/contract-spec').then((h) => h.specExamples(join(ROOT, SPEC))) };
    const harness = (routes?: Record<string, Route>) => ({ handlers: handlers as never, context: () => ({}), sent: () => [], ...(routes ? { routes } : {}) });

    // Act
    const withRoutes = await runContract('reporting', { spec, setup: () => harness(g.reportingQueueRoutes(upcasters)) });
    const without = await runContract('reporting', { spec, setup: () => harness() });

    // Assess
    expect(withRoutes.map((r) => [r.message, r.ok])).toEqual([
      ['IncidentCreated', true],
      ['IncidentCreatedV2', true],
    ]);
    expect(seen).toEqual([
      ['contract-IncidentCreated-0', '2.0', { type: 'flat_tire', severity: 'unknown' }],
      ['contract-IncidentCreatedV2-0', '2.0', { type: 'battery', severity: 'high' }],
      ['contract-IncidentCreatedV2-0', '2.0', { type: 'battery', severity: 'high' }],
    ]);
    expect(without[0]?.examples[0]?.failures).toEqual(['the handler map has no handler for IncidentCreated']);
  });

  it('prints the deprecation as a warning from the CLI and exits 0', () => {
    const out = freshDir('versions-codegen-cli');
    const run = cli(['--spec', SPEC, '--out', join(out, 'generated'), '--no-stubs']);
    expect(run.stderr).toMatch(new RegExp(`codegen: warning ${FIXTURE}/incident/messages.yaml:\\d+:\\d+: message IncidentCreated is x-deprecated`));
    expect(run.status).toBe(0);
  }, 60_000);
});

describe('a chain of two steps through a version the queue does not receive', () => {
  let dir: string;

  beforeAll(async () => {
    // Prepare: the copy with IncidentCreatedV3 (v2 plus a required priority); reporting receives v1 and v3, not v2
    dir = freshDir('versions-chain');
    const spec = editedCopy(
      dir,
      (m) => {
        const v2 = m.slice(m.indexOf('\nIncidentCreatedV2:'));
        const v3 = v2
          .replace(/IncidentCreatedV2Data/g, 'IncidentCreatedV3Data')
          .replace(/IncidentCreatedV2/g, 'IncidentCreatedV3')
          .replace("x-version: '2.0'", "x-version: '3.0'")
          .replace("eventVersion: '2.0'", "eventVersion: '3.0'")
          .replace('            severity: high\n', '            severity: high\n          priority: 1\n');
        return `${m}${v3}`;
      },
      (r) => r.replace(/\n {2}IncidentCreatedV2: .*\n/, '\n  IncidentCreatedV3: Record IncidentCreatedV3 in the analytics store.\n'),
    );
    writeFileSync(join(dir, 'spec', 'incident', 'service.yaml'), 'sends:\n  - IncidentCreated\n  - IncidentCreatedV2\n  - IncidentCreatedV3\n');
    const schemas = join(dir, 'spec', 'incident', 'schemas.yaml');
    const text = readFileSync(schemas, 'utf8');
    const v3Data = text
      .slice(text.indexOf('IncidentCreatedV2Data:'))
      .replace(/IncidentCreatedV2Data/g, 'IncidentCreatedV3Data')
      .replace('location, problem, status, createdAt]', 'location, problem, priority, status, createdAt]')
      .replace('  properties:\n', '  properties:\n    priority:\n      type: integer\n      minimum: 1\n      maximum: 5\n');
    writeFileSync(schemas, `${text}\n${v3Data}`);
    await generate(spec, dir);
  });

  it('types one upcaster per step (the generated consumer compiles) and runs both in order, validating the result', () => {
    // Prepare
    const consumer = readFileSync(join(dir, 'generated', 'consumers', 'reporting-queue.ts'), 'utf8');
    expect(consumer).toContain('  IncidentCreated: EnvelopeUpcaster<IncidentCreated, IncidentCreatedV2>;');
    expect(consumer).toContain('  IncidentCreatedV2: EnvelopeUpcaster<IncidentCreatedV2, IncidentCreatedV3>;');
    expect(consumer).toContain('export type ReportingQueueEvents = {\n  "IncidentCreatedV3": IncidentCreatedV3;\n};');
    expect(typecheck([join(dir, 'generated', 'consumers', 'reporting-queue.ts')])).toEqual([]);
    const g = require(join(dir, 'generated')) as { parseReportingQueueEvent: (input: unknown, upcasters: unknown) => { 'detail-type': string; detail: { metadata: { eventVersion: string }; data: Json } } };
    const order: string[] = [];
    const upcasters = {
      IncidentCreated: ({ problemType, ...rest }: { problemType: string }) => (order.push('v1->v2'), { ...rest, problem: { type: problemType, severity: 'unknown' } }),
      IncidentCreatedV2: (data: Json) => (order.push('v2->v3'), { ...data, priority: 3 }),
    };
    const v1 = parse(readFileSync(join(dir, 'spec', 'incident', 'messages.yaml'), 'utf8')).IncidentCreated.examples[0].payload as Json;
    const input = { version: '0', id: 'e', 'detail-type': 'IncidentCreated', source: 'roadcall.incident', account: '1', time: '2025-03-14T09:12:04Z', region: 'us-east-1', resources: [], detail: v1 };

    // Act
    const event = g.parseReportingQueueEvent(input, upcasters);

    // Assess
    expect(order).toEqual(['v1->v2', 'v2->v3']);
    expect(event['detail-type']).toBe('IncidentCreatedV3');
    expect(event.detail.metadata.eventVersion).toBe('3.0');
    expect(event.detail.data).toMatchObject({ problem: { type: 'flat_tire', severity: 'unknown' }, priority: 3 });
    expect(() => g.parseReportingQueueEvent(input, { ...upcasters, IncidentCreatedV2: (data: Json) => ({ ...data, priority: 9 }) })).toThrow(
      'upcaster IncidentCreatedV2 -> IncidentCreatedV3 made a detail that does not match IncidentCreatedV3: /data/priority must be <= 5',
    );
  });
});

describe('codegen refuses versions it could not route or upcast', () => {
  it('names the missing step when a queue receives v1 and v3 and the spec has no v2', async () => {
    const dir = freshDir('versions-gap');
    const spec = editedCopy(
      dir,
      (m) => m.replace(/IncidentCreatedV2(?!Data)/g, 'IncidentCreatedV3').replace("x-version: '2.0'", "x-version: '3.0'").replace("eventVersion: '2.0'", "eventVersion: '3.0'"),
      (s) => s.replace(/IncidentCreatedV2/g, 'IncidentCreatedV3'),
    );
    writeFileSync(join(dir, 'spec', 'incident', 'service.yaml'), 'sends:\n  - IncidentCreated\n  - IncidentCreatedV3\n');
    const messages = await specErrors(spec, dir);
    expect(messages).toEqual([
      `queue "reporting-queue" receives IncidentCreated (v1) and IncidentCreatedV3 (v3) of IncidentCreated, but the upcaster chain has a gap: step v1 -> v2 (IncidentCreated -> IncidentCreatedV2) is missing, as the spec has no version 2 of IncidentCreated; add IncidentCreatedV2 (x-version '2.0'), or stop receiving IncidentCreated`,
    ]);
  });

  it('refuses two versions on one detail-type, saying each version has its own', async () => {
    const dir = freshDir('versions-same-type');
    const spec = editedCopy(dir, (m) => m.replace('detailType: IncidentCreatedV2', 'detailType: IncidentCreated'));
    const messages = await specErrors(spec, dir);
    expect(messages).toContainEqual(expect.stringMatching(/share source "roadcall\.incident" and detail-type "IncidentCreated" on bus "core": routing could not tell them apart \(versions 1 and 2 of IncidentCreated: each version has its own detail-type, e\.g\. "IncidentCreatedV2"\)/));
  });

  it('refuses versions of one event on different sources', async () => {
    const dir = freshDir('versions-source');
    const spec = editedCopy(dir, (m) => m.replace('{source: roadcall.incident, detailType: IncidentCreatedV2', '{source: roadcall.intake, detailType: IncidentCreatedV2'));
    const messages = await specErrors(spec, dir);
    expect(messages).toContainEqual(expect.stringMatching(/^IncidentCreatedV2 is version 2 of IncidentCreated but has source "roadcall\.intake" on bus "core", where IncidentCreated has "roadcall\.incident" on "core"/));
  });

  it('refuses two messages claiming the same version of a family', async () => {
    const dir = freshDir('versions-twin');
    const spec = editedCopy(dir, (m) => m.replace(/IncidentCreatedV2(?!Data)/g, 'IncidentCreatedV1').replace(/x-version: '2\.0'/, "x-version: '1.0'").replace("eventVersion: '2.0'", "eventVersion: '1.0'"), (s) => s.replace(/IncidentCreatedV2/g, 'IncidentCreatedV1'));
    writeFileSync(join(dir, 'spec', 'incident', 'service.yaml'), 'sends:\n  - IncidentCreated\n  - IncidentCreatedV1\n');
    const messages = await specErrors(spec, dir);
    expect(messages).toContainEqual("messages IncidentCreated and IncidentCreatedV1 are both version 1 of IncidentCreated: a new major version needs x-version '2.0' (and the name IncidentCreatedV2)");
  });
});
