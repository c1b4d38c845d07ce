import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sagaSteps } from '../../scripts/codegen/emit/docs/flows';
import { gatherView, readGathers } from '../../scripts/codegen/gathers';
import { readSagas, sagaView, type SagaMessageFacts } from '../../scripts/codegen/sagas';

const ROOT = join(__dirname, '..', '..');

/** A message of the shop spec: an enveloped EventBridge event sent by `from` and received by `to`. */
function msg(name: string, from: string, to: string[], extra: Partial<SagaMessageFacts> = {}): SagaMessageFacts {
  return { name, key: name, envelope: true, eventbridge: { detailType: name }, producers: [from], consumers: to.map((service) => ({ service, queue: `${service}-queue` })), ...extra };
}

const MESSAGES: SagaMessageFacts[] = [
  msg('OrderPlaced', 'orders', ['orders']),
  msg('OrderCancelled', 'orders', ['orders']),
  msg('StepTimedOut', 'orders', ['orders'], { timer: true }),
  msg('Reserve', 'orders', ['stock']),
  msg('Reserved', 'stock', ['orders']),
  msg('Unavailable', 'stock', ['orders']),
  msg('Release', 'orders', ['stock']),
  msg('Released', 'stock', ['orders']),
  msg('Charge', 'orders', ['payments']),
  msg('Charged', 'payments', ['orders']),
];

const checkout = () => ({
  trigger: 'OrderPlaced',
  timeout: 'StepTimedOut',
  abortOn: ['OrderCancelled'],
  steps: [
    { name: 'reserve', command: 'Reserve', success: ['Reserved'], failure: ['Unavailable'], compensation: { command: 'Release', reply: ['Released'] }, timeoutSeconds: 15 },
    { name: 'charge', command: 'Charge', success: ['Charged'], timeoutSeconds: 10 },
  ],
});

/** Reads `saga` as orders' checkout saga; returns the sagas and every issue raised. */
function read(saga: unknown, messages = MESSAGES): { sagas: ReturnType<typeof readSagas>; issues: { pointer: string; message: string }[] } {
  const issues: { pointer: string; message: string }[] = [];
  const sagas = readSagas({ 'x-services': { orders: { 'x-sagas': { checkout: saga } }, stock: { description: 'no sagas' } } }, messages, (pointer, message) => issues.push({ pointer, message }));
  return { sagas, issues };
}

describe('sagas declared in the spec (x-services.<service>.x-sagas)', () => {
  it('reads each saga with the participant that receives each command, and draws it', () => {
    // Act
    const { sagas, issues } = read(checkout());

    // Assess
    expect(issues).toEqual([]);
    expect(sagas).toEqual([
      {
        name: 'checkout',
        orchestrator: 'orders',
        trigger: 'OrderPlaced',
        timeout: 'StepTimedOut',
        abortOn: ['OrderCancelled'],
        steps: [
          { name: 'reserve', command: 'Reserve', participant: 'stock', success: ['Reserved'], failure: ['Unavailable'], compensation: { command: 'Release', reply: ['Released'] }, timeoutSeconds: 15 },
          { name: 'charge', command: 'Charge', participant: 'payments', success: ['Charged'], failure: [], timeoutSeconds: 10 },
        ],
      },
    ]);
    const view = sagaView(sagas[0] as (typeof sagas)[number]);
    expect(view.steps[0]).toEqual({ command: 'Reserve', participant: 'stock', replies: ['Reserved', 'Unavailable'], compensation: 'Release', timeout: '15 s' });
    expect(sagaSteps(view)[0]).toMatchObject({ label: 'Reserve', note: 'times out after 15 s' });
  });

  it.each([
    ['a message that does not exist', (s: ReturnType<typeof checkout>) => ({ ...s, trigger: 'OrderPlacd' }), '/x-services/orders/x-sagas/checkout/trigger', 'trigger "OrderPlacd" is not a message of the spec'],
    ['a reply that never reaches the orchestrator', (s: ReturnType<typeof checkout>) => s, '/x-services/orders/x-sagas/checkout/steps/1/success/0', "the success reply Charged must reach orders's queue"],
    ['a command nobody receives', (s: ReturnType<typeof checkout>) => ({ ...s, steps: [{ ...s.steps[1], command: 'OrderPlaced' }] }), '/x-services/orders/x-sagas/checkout/steps/0/command', 'command OrderPlaced must be received by exactly one participant service, and none receives it'],
    ['a timeout event that is not a timer', (s: ReturnType<typeof checkout>) => ({ ...s, timeout: 'OrderCancelled' }), '/x-services/orders/x-sagas/checkout/timeout', 'must be an x-timer event that orders sends'],
    ['a reply used by two steps', (s: ReturnType<typeof checkout>) => ({ ...s, steps: [s.steps[0], { ...s.steps[1], success: ['Reserved'] }] }), '/x-services/orders/x-sagas/checkout/steps/1/success/0', 'Reserved is already the success reply of step reserve'],
    ['a reply from another service than the participant', (s: ReturnType<typeof checkout>) => ({ ...s, steps: [{ ...s.steps[0], failure: ['OrderCancelled'] }] }), '/x-services/orders/x-sagas/checkout/steps/0/failure/0', 'must be sent by stock, the service that receives the command'],
    ['a step with no timeout', (s: ReturnType<typeof checkout>) => ({ ...s, steps: [{ ...s.steps[0], timeoutSeconds: 0 }] }), '/x-services/orders/x-sagas/checkout/steps/0/timeoutSeconds', 'needs a whole timeoutSeconds >= 1'],
    ['a compensation sent to another participant', (s: ReturnType<typeof checkout>) => ({ ...s, steps: [{ ...s.steps[0], compensation: { command: 'Charge', reply: ['Charged'] } }] }), '/x-services/orders/x-sagas/checkout/steps/0/compensation/command', 'the service that did the step undoes it'],
  ])('names %s with its place in the spec', (_case, change, pointer, message) => {
    // Prepare: the Charged reply is only routed to orders in the cases that do not test it.
    const messages = _case === 'a reply that never reaches the orchestrator' ? MESSAGES.map((m) => (m.name === 'Charged' ? { ...m, consumers: [] } : m)) : MESSAGES;

    // Act
    const { issues } = read(change(checkout()), messages);

    // Assess
    expect(issues).toContainEqual({ pointer, message: expect.stringContaining(message) as unknown as string });
  });

  it('the Roadcall docs draw the assignment saga of match from its service.yaml', () => {
    // Act
    const html = readFileSync(join(ROOT, 'generated', 'docs', 'services', 'match.html'), 'utf8');

    // Assess
    expect(html).toContain('Saga assignment');
    expect(html).toContain('times out after 10 s');
    expect(html.indexOf('compensate: VoidPaymentAuthorization')).toBeLessThan(html.indexOf('compensate: ReleaseVendor'));
  });
});

describe('scatter-gathers declared in the spec (x-services.<service>.x-gathers)', () => {
  const messages: SagaMessageFacts[] = [
    msg('JobPosted', 'planner', ['planner']),
    msg('PlanningDeadline', 'planner', ['planner'], { timer: true }),
    msg('CrewsRequested', 'planner', ['crews']),
    msg('CrewsListed', 'crews', ['planner']),
    msg('CrewsError', 'crews', ['planner']),
    msg('PricesRequested', 'planner', ['prices']),
    msg('PricesQuoted', 'prices', ['planner']),
  ];
  const gather = (responders: Record<string, unknown>) => ({ trigger: 'JobPosted', deadline: 'PlanningDeadline', deadlineSeconds: 3, responders });
  const readOf = (g: unknown) => {
    const issues: { pointer: string; message: string }[] = [];
    const gathers = readGathers({ 'x-services': { planner: { 'x-gathers': { planning: g } } } }, messages, (pointer, message) => issues.push({ pointer, message }));
    return { gathers, issues };
  };

  it('reads each responder with the service that receives its request, and draws it', () => {
    // Act
    const { gathers, issues } = readOf(gather({ crews: { request: 'CrewsRequested', response: ['CrewsListed'], error: ['CrewsError'], required: true }, prices: { request: 'PricesRequested', response: ['PricesQuoted'], required: false } }));

    // Assess
    expect(issues).toEqual([]);
    expect(gathers[0]?.responders.map((r) => [r.name, r.service, r.required])).toEqual([['crews', 'crews', true], ['prices', 'prices', false]]);
    expect(gatherView(gathers[0] as (typeof gathers)[number])).toEqual({ name: 'planning', orchestrator: 'planner', deadline: '3 s', requests: [{ event: 'CrewsRequested', responders: ['crews'], replies: ['CrewsListed', 'CrewsError'] }, { event: 'PricesRequested', responders: ['prices'], replies: ['PricesQuoted'] }] });
  });

  it('names an answer from another service than the responder, and a responder without its policy', () => {
    // Act
    const { issues } = readOf(gather({ crews: { request: 'CrewsRequested', response: ['PricesQuoted'] } }));

    // Assess
    expect(issues.map((i) => i.pointer)).toEqual(['/x-services/planner/x-gathers/planning/responders/crews/response/0', '/x-services/planner/x-gathers/planning/responders/crews/required']);
    expect(issues[0]?.message).toContain('must be sent by crews, the service that receives CrewsRequested');
  });
});
