import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir, generate, typecheck } from '../helpers/codegen';

// Type tests: the compiler, not a runtime check, must refuse what the spec does not allow.
const MINI = 'tests/fixtures/specs/mini/asyncapi.yaml';

describe('generated types enforce the spec at compile time', () => {
  let dir: string;
  const errorsOf = (name: string, code: string): { line: number; code: number; message: string }[] => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, code);
    return typecheck([file]).filter((d) => d.file === file);
  };

  beforeAll(async () => {
    dir = freshDir('types');
    await generate(MINI, dir, { stubs: false });
  });

  it('accepts a correct publish and a complete handler map', () => {
    const errors = errorsOf(
      'ok',
      `import { incidentPublisher, type MatchQueueHandlers } from './generated';
const event = incidentPublisher.IncidentCreated({ incidentId: 'i1', status: 'new', location: { lat: 1, lon: 2 } }, { correlationId: 'c1' });
const detailType: 'IncidentCreated' = event.detailType;
const handlers: MatchQueueHandlers<{ log: string[] }> = {
  IncidentCreated: (e, ctx) => { ctx.log.push(e.detail.data.incidentId); },
  IncidentCancelled: async (e) => { void e.detail.data.reason; },
};
export { detailType, handlers };
`,
    );
    expect(errors).toEqual([]);
  });

  it('rejects a wrong payload to a publisher (wrong enum value, missing field)', () => {
    const errors = errorsOf(
      'wrong-payload',
      `import { incidentPublisher } from './generated';
incidentPublisher.IncidentCreated({ incidentId: 'i1', status: 'open', location: {} });
incidentPublisher.IncidentCancelled({ incidentId: 'i1' });
`,
    );
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    expect(errors[0]?.message).toMatch(/Type '"open"' is not assignable to type 'IncidentCreatedDataStatus'/);
    expect(errors[1]?.message).toMatch(/Property '+reason'+ is missing/);
  });

  it('rejects publishing an event the service does not send', () => {
    const errors = errorsOf(
      'not-sent',
      `import { incidentPublisher } from './generated';
// @ts-expect-error - the line below must fail: incident does not send OfferCreated
incidentPublisher.OfferCreated({});
(incidentPublisher as { IncidentCreated: unknown }).IncidentCreated;
declare const x: typeof incidentPublisher;
x.MatchStarted;
`,
    );
    expect(errors.map((e) => e.code)).toEqual([2339]);
    expect(errors[0]?.message).toMatch(/Property 'MatchStarted' does not exist/);
  });

  it('rejects a handler map that misses a detail-type the queue receives', () => {
    const errors = errorsOf(
      'non-exhaustive',
      `import type { MatchQueueHandlers } from './generated';
export const handlers: MatchQueueHandlers = {
  IncidentCreated: async () => {},
};
`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/Property '+IncidentCancelled'+ is missing/);
  });

  it('rejects a handler for an event the queue does not receive, and a handler reading the wrong detail', () => {
    const errors = errorsOf(
      'extra-handler',
      `import type { MatchQueueHandlers } from './generated';
export const handlers: MatchQueueHandlers = {
  IncidentCreated: async (e) => { void e.detail.data.reason; },
  IncidentCancelled: async () => {},
  OfferCreated: async () => {},
};
`,
    );
    expect(errors.map((e) => e.line)).toEqual([3, 5]);
    expect(errors[0]?.message).toMatch(/Property 'reason' does not exist on type 'IncidentCreatedData'/);
    expect(errors[1]?.message).toMatch(/'OfferCreated' does not exist in type/);
  });
});
