import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInMemorySagaStore, createSagaRunner, type DefinedSaga, type SagaEvent, type SagaTimeoutData } from '../../lib/saga';
import { fakeTimers } from '../helpers/fake-timers';
import { CodegenSpecError } from '../../scripts/codegen/errors';
import { freshDir, generate, ROOT, typecheck } from '../helpers/codegen';

// A second saga needs only spec and pure functions: seed 002's lesson booking saga is
// declared in a test spec (tests/fixtures/specs/saga), codegen makes its typed step map,
// and the handlers below are all the code it takes to run it on lib/saga. The compiler
// refuses a step map with a piece missing.
const SPEC = 'tests/fixtures/specs/saga/asyncapi.yaml';

/** The booking saga's pure functions, as a user would write them against the generated map. */
const HANDLERS = `import { defineBookingSaga, bookingSagaTimeoutEvent, bookingSagaSpec, type BookingSagaHandlers } from './generated/sagas/booking';

export interface Booking { bookingId: string; studentId: string; tutorId: string; slot: string; priceCents: number; holdId?: string; paidWith?: string }

export const handlers: BookingSagaHandlers<Booking> = {
  sagaId: (trigger) => 'booking-' + trigger.detail.data.bookingId,
  init: ({ detail: { data } }) => ({ bookingId: data.bookingId, studentId: data.studentId, tutorId: data.tutorId, slot: data.slot, priceCents: data.priceCents }),
  steps: {
    holdSlot: {
      command: (d) => ({ sagaId: 'booking-' + d.bookingId, tutorId: d.tutorId, slot: d.slot }),
      onSlotHeld: (d, reply) => ({ ...d, holdId: reply.detail.data.holdId }),
      compensation: (d, context) => ({ sagaId: 'booking-' + d.bookingId, ...(d.holdId ? { holdId: d.holdId } : {}), reason: context.reason ?? 'unknown' }),
    },
    chargeStudent: {
      command: (d) => ({ sagaId: 'booking-' + d.bookingId, studentId: d.studentId, amountCents: d.priceCents }),
      onStudentCharged: (d, reply) => ({ ...d, paidWith: 'card ' + reply.detail.data.chargeId }),
      onCreditUsed: (d, reply) => ({ ...d, paidWith: 'credit, ' + String(reply.detail.data.creditsLeft) + ' left' }),
    },
  },
};

export const saga = defineBookingSaga(handlers, { stepTimeoutSeconds: 2 });
export { bookingSagaTimeoutEvent, bookingSagaSpec };
`;

interface BookingModule {
  saga: DefinedSaga<{ bookingId: string; holdId?: string; paidWith?: string }, unknown>;
  bookingSagaTimeoutEvent: Parameters<typeof createSagaRunner>[1]['timeoutEvent'];
  bookingSagaSpec: { trigger: string; steps: readonly { name: string; timeoutSeconds: number }[] };
}

describe('a second saga from a test spec: only the spec and pure functions', () => {
  let dir: string;
  let mod: BookingModule;
  beforeAll(async () => {
    dir = freshDir('saga-codegen');
    await generate(SPEC, dir, { stubs: false });
    writeFileSync(join(dir, 'booking.ts'), HANDLERS);
    mod = (await import(join(dir, 'booking.ts'))) as BookingModule;
  });

  it('compiles the complete handler map, and not one missing a reply handler, a compensation, or with wrong data', () => {
    // Prepare: the complete map and one mutation of it per file, checked in one program.
    const mutations: Record<string, [string, string]> = {
      'no-credit-handler': ["      onCreditUsed: (d, reply) => ({ ...d, paidWith: 'credit, ' + String(reply.detail.data.creditsLeft) + ' left' }),\n", ''],
      'no-compensation': ["      compensation: (d, context) => ({ sagaId: 'booking-' + d.bookingId, ...(d.holdId ? { holdId: d.holdId } : {}), reason: context.reason ?? 'unknown' }),\n", ''],
      'wrong-command': ['studentId: d.studentId, amountCents: d.priceCents })', 'studentId: d.studentId, amount: d.priceCents })'],
      'wrong-reply-field': ['reply.detail.data.holdId', 'reply.detail.data.chargeId'],
    };
    const files = Object.entries(mutations).map(([name, [from, to]]) => {
      const code = HANDLERS.replace(from, to);
      expect(code).not.toBe(HANDLERS);
      const file = join(dir, `${name}.ts`);
      writeFileSync(file, code);
      return file;
    });
    const complete = join(dir, 'booking.ts');

    // Act
    const errors = typecheck([complete, ...files]);
    const of = (file: string) => errors.filter((e) => e.file === file).map((e) => e.message);

    // Assess
    expect(of(complete)).toEqual([]);
    expect(files.map((f) => of(f).length)).toEqual([1, 1, 1, 1]);
    expect(of(files[0] as string)[0]).toMatch(/onCreditUsed/);
    expect(of(files[1] as string)[0]).toMatch(/compensation/);
    expect(of(files[2] as string)[0]).toMatch(/amount/);
    expect(of(files[3] as string)[0]).toMatch(/chargeId/);
  });

  it('carries the declaration: trigger, steps and the stage override of step timeouts', () => {
    expect(mod.bookingSagaSpec.trigger).toBe('LessonBookingRequested');
    expect(mod.bookingSagaSpec.steps.map((s) => [s.name, s.timeoutSeconds])).toEqual([['holdSlot', 5], ['chargeStudent', 5]]);
    expect(mod.saga.steps.map((s) => s.timeoutSeconds)).toEqual([2, 2]);
    expect(mod.saga.replies.get('CreditUsed')).toEqual({ step: 1, role: 'success' });
  });

  /** The runner over the in-memory store: replies by detail-type, commands as the outbox holds them. */
  function run() {
    const store = createInMemorySagaStore();
    const timers = fakeTimers();
    const runner = createSagaRunner(mod.saga, { store, timers, timeoutEvent: mod.bookingSagaTimeoutEvent });
    let n = 0;
    const event = (detailType: string, data: Record<string, unknown>): SagaEvent => ({ detailType, detail: { metadata: { eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, correlationId: 'lesson-1' }, data } });
    return { store, timers, runner, event, sent: () => store.outbox.map((e) => e.detailType) };
  }
  const BOOKING = { bookingId: '3f1c2a7e-8b9d-4e5f-a6b7-c8d9e0f1a2b3', studentId: 's-1', tutorId: 't-1', slot: '2026-12-10T15:00:00Z', priceCents: 4500 };
  const SAGA_ID = `booking-${BOOKING.bookingId}`;

  it('runs to COMPLETED, folding the second success reply through its own handler', async () => {
    // Prepare
    const { runner, event, sent, store } = run();

    // Act
    await runner.start(event('LessonBookingRequested', BOOKING));
    await runner.reply(event('SlotHeld', { sagaId: SAGA_ID, holdId: 'hold-9' }));
    const done = await runner.reply(event('CreditUsed', { sagaId: SAGA_ID, creditsLeft: 3 }));

    // Assess
    expect(done.state.status).toBe('COMPLETED');
    expect(done.state.data).toMatchObject({ holdId: 'hold-9', paidWith: 'credit, 3 left' });
    expect(sent()).toEqual(['HoldSlot', 'ChargeStudent']);
    expect(store.outbox[1]?.detail).toMatchObject({ data: { sagaId: SAGA_ID, studentId: 's-1', amountCents: 4500 }, metadata: { correlationId: 'lesson-1' } });
  });

  it('compensates a declined charge with the spec-validated FreeSlot, then COMPENSATED', async () => {
    // Prepare
    const { runner, event, sent, store } = run();
    await runner.start(event('LessonBookingRequested', BOOKING));
    await runner.reply(event('SlotHeld', { sagaId: SAGA_ID, holdId: 'hold-9' }));

    // Act
    const compensating = await runner.reply(event('ChargeDeclined', { sagaId: SAGA_ID, reason: 'card expired' }));
    const ended = await runner.reply(event('SlotFreed', { sagaId: SAGA_ID }));

    // Assess
    expect(compensating.state.status).toBe('COMPENSATING');
    expect(ended.state.status).toBe('COMPENSATED');
    expect(sent()).toEqual(['HoldSlot', 'ChargeStudent', 'FreeSlot']);
    expect(store.outbox[2]?.detail).toMatchObject({ data: { holdId: 'hold-9', reason: expect.stringContaining('ChargeDeclined') as unknown } });
  });

  it('arms each step timer with the spec timeout event, valid against its schema', async () => {
    // Prepare
    const { runner, event, timers } = run();

    // Act
    await runner.start(event('LessonBookingRequested', BOOKING));

    // Assess: the generated publisher validated the event, or schedule() would not have been called.
    const timer = [...timers.pending.values()][0];
    expect(timer?.event.detailType).toBe('BookingStepTimedOut');
    expect(timer?.event.detail).toMatchObject({ data: { sagaId: SAGA_ID, saga: 'booking', step: 'holdSlot', phase: 'forward', attempt: 1 } });
  });

  it('refuses a saga whose reply never reaches the orchestrator, naming the line of the saga', async () => {
    // Prepare: the same spec without booking's receive operation of SlotFreed.
    const broken = freshDir('saga-unrouted');
    const spec = readFileSync(join(ROOT, SPEC), 'utf8').split('\n').filter((line) => !line.startsWith('  booking.receiveSlotFreed:')).join('\n');
    writeFileSync(join(broken, 'asyncapi.yaml'), spec);
    const line = spec.split('\n').findIndex((l) => l.includes('compensation: {command: FreeSlot')) + 1;

    // Act
    const error = await generate(join(broken, 'asyncapi.yaml'), broken, { stubs: false }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CodegenSpecError);
    const issues = (error as CodegenSpecError).issues;
    expect(issues.map((i) => i.message)).toEqual([expect.stringContaining("saga booking.booking: the compensation reply SlotFreed must reach booking's queue")]);
    expect(issues[0]?.location?.line).toBe(line);
  });
});
