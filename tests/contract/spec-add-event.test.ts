import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import { CodegenSpecError } from '../../scripts/codegen/errors';
import { loadSpec } from '../../scripts/codegen/load';
import { addEvent, SpecEditError } from '../../scripts/spec-add-event';
import { freshDir, generate, ROOT } from '../helpers/codegen';

// The documented way to add an event (README "Edit the spec"), on a copy of the Roadcall
// spec: `npm run spec -- add-event` scaffolds it in the producer's part plus one line per
// consumer, and codegen turns it into a publisher, consumer routes and a valid example.

type Json = Record<string, unknown>;
interface Catalog {
  events: { name: string; producers: string[]; consumers: { service: string; queue?: string }[] }[];
}

function copySpec(name: string): { dir: string; spec: string } {
  const dir = freshDir(name);
  cpSync(join(ROOT, 'asyncapi'), join(dir, 'asyncapi'), { recursive: true });
  return { dir, spec: join(dir, 'asyncapi', 'asyncapi.yaml') };
}

function tsx(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run spec -- add-event', () => {
  let dir: string;
  let catalog: Catalog;
  let changed: string[];

  beforeAll(async () => {
    const copy = copySpec('add-event');
    dir = copy.dir;
    ({ changed } = addEvent({ spec: copy.spec, service: 'incident', event: 'IncidentReopened', consumers: ['notifications', 'reporting'] }));
    await generate(copy.spec, dir, { stubs: false });
    catalog = JSON.parse(readFileSync(join(dir, 'generated', 'catalog.json'), 'utf8')) as Catalog;
  }, 180_000);

  it('edits only the producer part and one line in each consumer part', () => {
    expect(changed.sort()).toEqual(['incident/messages.yaml', 'incident/schemas.yaml', 'incident/service.yaml', 'notifications/service.yaml', 'reporting/service.yaml']);
    expect(readFileSync(join(dir, 'asyncapi', 'notifications', 'service.yaml'), 'utf8')).toMatch(/\n {2}IncidentReopened: TODO what notifications does with it\.\n/);
  });

  it('gives the event its producer, its consumer queues and a typed publisher', () => {
    const event = catalog.events.find((e) => e.name === 'IncidentReopened');
    expect(event?.producers).toEqual(['incident']);
    expect(event?.consumers.map((c) => [c.service, c.queue])).toEqual([
      ['notifications', 'notifications-queue'],
      ['reporting', 'reporting-queue'],
    ]);
    expect(readFileSync(join(dir, 'generated', 'publishers', 'incident.ts'), 'utf8')).toContain('export function IncidentReopened(');
    expect(readFileSync(join(dir, 'generated', 'consumers', 'reporting-queue.ts'), 'utf8')).toContain('"IncidentReopened": { messageName: "IncidentReopened", sources: ["roadcall.incident"]');
  });

  it('refuses a name already taken, an unknown service and a name that is not PascalCase, writing nothing', () => {
    const { spec } = copySpec('add-event-refused');
    const before = readFileSync(join(spec, '..', 'incident', 'messages.yaml'), 'utf8');

    expect(() => addEvent({ spec, service: 'incident', event: 'IncidentCreated' })).toThrow(new SpecEditError('IncidentCreated is already declared by service incident'));
    expect(() => addEvent({ spec, service: 'incident', event: 'IncidentReopened', consumers: ['nobody'] })).toThrow(/no service part "nobody"/);
    expect(() => addEvent({ spec, service: 'incident', event: 'incident-reopened' })).toThrow(/must be PascalCase/);

    expect(readFileSync(join(spec, '..', 'incident', 'messages.yaml'), 'utf8')).toBe(before);
  });
});

describe('a spec cut into service parts', () => {
  it('points a receive line naming no message at its line in the part file', async () => {
    const { spec } = copySpec('parts-error');
    const pricing = join(spec, '..', 'pricing', 'service.yaml');
    const line = readFileSync(pricing, 'utf8').trimEnd().split('\n').length + 1;
    appendFileSync(pricing, '  IncidentTeleported: Quote the teleport.\n');

    const failure = await loadSpec(spec, ROOT).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CodegenSpecError);
    expect((failure as CodegenSpecError).issues).toEqual([
      { message: 'pricing names message IncidentTeleported, which no part declares in its messages.yaml', location: { file: expect.stringMatching(/pricing\/service\.yaml$/), line, column: 3 } },
    ]);
  });

  it('is bundled into one AsyncAPI 3 document the official parser reads on its own', async () => {
    const dir = freshDir('bundle');
    const out = join(dir, 'joined.yaml');

    const result = tsx(['scripts/spec.ts', 'bundle', '--out', out]);
    const { document, diagnostics } = await fromFile(new Parser(), out).parse();

    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    const { document: joined } = await loadSpec(join(ROOT, 'asyncapi', 'asyncapi.yaml'), ROOT);
    expect(Object.keys((document?.json() as unknown as Json)['operations'] as Json).sort()).toEqual(Object.keys((joined.json() as unknown as Json)['operations'] as Json).sort());
    expect(document?.channels().length).toBe(joined.channels().length);
  }, 60_000);
});
