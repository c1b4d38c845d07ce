import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as usersEvents from '../../generated/publishers/users';
import { TEST_ACCOUNTS } from '../../functions/payments/test-accounts';
import { startEdtechCloud, withFunctionEnv, type Body, type EdtechCloud } from '../helpers/cloud';
import { until } from '../../../../tests/helpers/local-cloud';

// The lesson booking saga's step timeout (seed 002: "implement saga timeout handling") on the
// local cloud, from the packaged test stage: a silent participant, its step timer fired by the
// local EventBridge Scheduler, and the compensation of what was done. The payments service's
// test account (functions/payments/test-accounts.json, behaviour 'silent') holds the lesson's
// price but its answer is never sent: authorizePayment times out, the saga releases the payment
// (it may have happened: here it did) and then the tutor's slot. The booking consumer's step
// timeout is 4 s on this stage (SAGA_STEP_TIMEOUT_SECONDS; 15 s in the spec).

const STEP_TIMEOUT_SECONDS = 4;
const TUESDAY = '2027-03-02';
const at = (hour: number): string => `${TUESDAY}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const [SILENT_STUDENT] = [...TEST_ACCOUNTS].find(([, a]) => a.behaviour === 'silent') ?? [];

let ed: EdtechCloud;
let doc: DynamoDBDocumentClient;

const payments = async (pk: string): Promise<Body | undefined> => (await doc.send(new GetCommand({ TableName: 'edtech-test-payments', Key: { pk, sk: pk.split('#')[0] as string }, ConsistentRead: true }))).Item;
const slot = async (tutorId: string, time: string): Promise<Body | undefined> => (await doc.send(new GetCommand({ TableName: 'edtech-test-lessons', Key: { pk: `SLOT#${tutorId}#${time}`, sk: 'SLOT' }, ConsistentRead: true }))).Item;

/** Registers a student; resolves once payments has opened the account. */
async function student(email: string): Promise<string> {
  const res = await ed.call('POST', '/users', { email, role: 'STUDENT' });
  expect(res.status).toBe(201);
  const userId = res.body['userId'] as string;
  await until(() => payments(`ACCOUNT#${userId}`), (a) => a !== undefined, 20_000);
  return userId;
}

async function book(body: Body): Promise<string> {
  const res = await ed.call('POST', '/bookings', body);
  expect([res.status, res.body['status']]).toEqual([202, 'PENDING']);
  return res.body['bookingId'] as string;
}

const ended = (bookingId: string, ms = 30_000): Promise<Body> => until(async () => (await ed.call('GET', `/bookings/${bookingId}`)).body, (b) => b['status'] !== 'PENDING', ms);
const steps = (b: Body): string[] => (b['saga'] as { steps: { step: string; phase: string; status: string }[] }).steps.map((s) => `${s.step}:${s.phase}:${s.status}`);

beforeAll(async () => {
  ed = await startEdtechCloud('edtech-timeout', (t) => withFunctionEnv(t, 'booking-consumer', { SAGA_STEP_TIMEOUT_SECONDS: String(STEP_TIMEOUT_SECONDS) }));
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: ed.cloud.urls.dynamodb, region: ed.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  // Warm the functions of the flow (a cold start may outlast the short step timeout; this saga's end is not asserted).
  const warm = await student('warm-up@example.com');
  await ended(await book({ studentId: warm, tutorId: 'tut-ben', requestedTime: at(18), subject: 'english' }), 60_000);
}, 240_000);

afterAll(async () => {
  doc?.destroy();
  await ed?.stop();
});

describe('the lesson booking saga when a participant stays silent (step timeout, local cloud)', () => {
  it('times out authorizePayment, releases the held payment, then the slot: CANCELLED, COMPENSATED, the credit and the slot back', async () => {
    expect(SILENT_STUDENT).toBe('usr-test-payment-silent');
    const studentId = SILENT_STUDENT as string;
    // The test account is opened as any account is: by a user.created of its id.
    const opened = usersEvents.UserCreated({ userId: studentId, email: 'silent-payments@example.com', role: 'STUDENT', timestamp: new Date().toISOString() });
    const put = await ed.eventBridge.send(new PutEventsCommand({ Entries: [{ EventBusName: 'edtech-platform-events-test', Source: opened.source, DetailType: opened.detailType, Detail: JSON.stringify(opened.detail) }] }));
    expect(put.FailedEntryCount).toBe(0);
    await until(() => payments(`ACCOUNT#${studentId}`), (a) => a !== undefined, 20_000);

    const bookingId = await book({ studentId, tutorId: 'tut-ana', requestedTime: at(13), subject: 'math' });
    // The slot is held and the price authorized, but the saga hears only the first.
    const held = await until(() => payments(`ACCOUNT#${studentId}`), (a) => a?.['authorizedCents'] === 4000, 15_000);
    expect(held).toMatchObject({ limitCents: 10_000, authorizedCents: 4000, capturedCents: 0 });
    expect((await ed.call('GET', `/bookings/${bookingId}`)).body['status']).toBe('PENDING');

    const done = await ended(bookingId);
    expect(done).toMatchObject({ bookingId, status: 'CANCELLED', saga: { status: 'COMPENSATED', reason: 'step authorizePayment timed out' } });
    expect(done['failure']).toEqual({ step: 'authorizePayment', code: 'TIMED_OUT', reason: 'no reply to authorizePayment in time (it may still have happened): it and the steps before it are compensated' });
    expect(steps(done)).toEqual(['checkAvailability:forward:SUCCEEDED', 'authorizePayment:forward:TIMED_OUT', 'authorizePayment:compensation:COMPENSATED', 'checkAvailability:compensation:COMPENSATED']);
    // It waited for the step's timeout of this stage, not the spec's 15 s.
    expect((done['saga'] as Body)['durationMs']).toBeGreaterThanOrEqual(STEP_TIMEOUT_SECONDS * 1000);
    expect((done['saga'] as Body)['durationMs']).toBeLessThan(15_000);

    // The timer came from the Scheduler once, for the forward step; the authorization was never answered.
    expect(ed.seen('booking.step.timed-out', 'sagaId', bookingId)).toEqual([expect.objectContaining({ sagaId: bookingId, saga: 'lessonBooking', step: 'authorizePayment', phase: 'forward', attempt: 1 })]);
    expect(ed.seen('payment.authorized', 'sagaId', bookingId)).toEqual([]);
    const [released] = ed.seen('payment.released', 'sagaId', bookingId);
    expect(released).toEqual({ sagaId: bookingId, paymentId: expect.any(String) as unknown, released: true });
    expect(ed.seen('availability.hold.released', 'sagaId', bookingId)).toEqual([{ sagaId: bookingId, released: true }]);
    expect(ed.seen('lesson.create', 'sagaId', bookingId)).toEqual([]);

    // What was held is given back: the payment RELEASED, the whole credit available, no slot item.
    expect(await payments(`PAYMENT#${String(released?.['paymentId'])}`)).toMatchObject({ sagaId: bookingId, status: 'RELEASED', amountCents: 4000, releaseReason: 'a step timed out: step authorizePayment timed out' });
    expect(await payments(`ACCOUNT#${studentId}`)).toMatchObject({ authorizedCents: 0, capturedCents: 0 });
    expect(await slot('tut-ana', at(13))).toBeUndefined();

    // And the slot can be booked by another student.
    const nora = await student('nora@example.com');
    const rebooked = await ended(await book({ studentId: nora, tutorId: 'tut-ana', requestedTime: at(13), subject: 'math' }));
    expect([rebooked['status'], steps(rebooked)]).toEqual(['CONFIRMED', ['checkAvailability:forward:SUCCEEDED', 'authorizePayment:forward:SUCCEEDED', 'createLesson:forward:SUCCEEDED']]);
  }, 90_000);

  it('leaves every DLQ empty, the timers DLQ included', async () => {
    const depths = await ed.dlqDepths();
    expect(Object.keys(depths)).toContain('edtech-test-timers-dlq');
    expect(Object.keys(depths)).toHaveLength(7);
    expect(depths).toEqual(Object.fromEntries(Object.keys(depths).map((k) => [k, 0])));
  });
});
