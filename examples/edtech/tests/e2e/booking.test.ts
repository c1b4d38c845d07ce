import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as usersEvents from '../../generated/publishers/users';
import { outboxWrites } from '../../../../lib/event-store';
import { MAX_ATTEMPTS } from '../../functions/outbox/relay';
import { startEdtechCloud, type Body, type EdtechCloud } from '../helpers/cloud';
import { until } from '../../../../tests/helpers/local-cloud';
import { daySession } from '../../../../tests/helpers/project-cloud';
import { DEMO_TUTOR, playFirstLesson } from '../flows/edtech-day';

// Seed 002's main flow on the local cloud, from the example's packaged template:
// POST /users -> the local event user.signed-up -> its own consumer -> the integration event
// user.created -> payments opens the account; POST /bookings -> 202 -> the lesson booking saga:
// availability check (slot held), payment authorization, lesson + chat session -> CONFIRMED,
// lesson.scheduled -> payment.completed (capture) and the two notifications. Then each failure
// path the seed names: availability rejected, payment failed (compensation releases the slot),
// lesson creation failed (compensation releases the payment, then the slot); idempotent
// handlers on a redelivered event; the DLQ processor (reprocess or manual handling); the KPIs.

let ed: EdtechCloud;

const TUESDAY = '2027-03-02';
const at = (hour: number, day = TUESDAY): string => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers a student and waits until user.created is out (the payments account follows it). */
async function student(email: string): Promise<string> {
  const res = await ed.call('POST', '/users', { email, role: 'STUDENT', authMethod: 'PASSWORD', name: email.split('@')[0] });
  expect([res.status, res.body['role'], res.body['status']]).toEqual([201, 'STUDENT', 'PENDING']);
  const userId = res.body['userId'] as string;
  await until(() => ed.seen('user.created', 'userId', userId), (l) => l.length === 1, 15_000);
  // The payments consumer has opened the account once it handled that event (the invocation log).
  const [created] = ed.cloud.recentEvents({}).filter((e) => e.event['detail-type'] === 'user.created' && (e.event.detail as { data: Body }).data['userId'] === userId);
  // The invocation log keys events by their envelope eventId.
  const id = String((created?.event.detail as { metadata?: { eventId?: string } } | undefined)?.metadata?.eventId);
  await until(() => ed.cloud.recentInvocations({ eventIds: new Set([id]), function: 'edtech-test-payments-consumer' }), (l) => l.some((i) => i.ok && !i.failedEventIds.includes(id)), 15_000);
  return userId;
}

async function book(body: Body): Promise<string> {
  const res = await ed.call('POST', '/bookings', body);
  expect([res.status, res.body['status']]).toEqual([202, 'PENDING']);
  return res.body['bookingId'] as string;
}

const ended = (bookingId: string, ms = 30_000): Promise<Body> => until(async () => (await ed.call('GET', `/bookings/${bookingId}`)).body, (b) => b['status'] !== 'PENDING', ms);
const steps = (b: Body): string[] => ((b['saga'] as { steps: { step: string; phase: string; status: string }[] }).steps).map((s) => `${s.step}:${s.phase}:${s.status}`);

beforeAll(async () => {
  ed = await startEdtechCloud('edtech-e2e');
  // Warm the functions of the whole flow, so that cold starts are not mistaken for slowness.
  const warm = await student('warm-up@example.com');
  await ended(await book({ studentId: warm, tutorId: 'tut-ben', requestedTime: at(18), subject: 'english' }), 60_000);
}, 240_000);

afterAll(async () => {
  await ed?.stop();
});

describe('EdTech on the local cloud (seed 002)', () => {
  let lina: string;

  it('registers a user: the local event stays in users, the integration event user.created carries the seed schema', async () => {
    lina = await student('Lina@Example.com');
    const [created] = ed.seen('user.created', 'userId', lina);
    expect(created).toEqual({ userId: lina, email: 'lina@example.com', role: 'STUDENT', authMethod: 'PASSWORD', timestamp: expect.any(String) as unknown });
    expect(ed.seen('user.signed-up', 'userId', lina)).toHaveLength(1);

    const again = await ed.call('POST', '/users', { email: 'lina@example.com', role: 'STUDENT' });
    expect([again.status, (again.body['error'] as Body)['code']]).toEqual([409, 'EMAIL_TAKEN']);
    const bad = await ed.call('POST', '/users', { email: 'not-an-email', role: 'PRINCIPAL' });
    expect([bad.status, (bad.body['error'] as Body)['code']]).toEqual([400, 'VALIDATION_FAILED']);
  }, 30_000);

  it('books a lesson: availability, payment, lesson + chat session -> CONFIRMED; lesson.scheduled, payment.completed, notifications', async () => {
    const bookingId = await book({ studentId: lina, tutorId: 'tut-ana', requestedTime: at(10), subject: 'math' });
    const done = await ended(bookingId);

    expect(done).toMatchObject({ bookingId, status: 'CONFIRMED', tutorName: 'Ana Silva', lessonPrice: 40, saga: { status: 'COMPLETED' } });
    expect(steps(done)).toEqual(['checkAvailability:forward:SUCCEEDED', 'authorizePayment:forward:SUCCEEDED', 'createLesson:forward:SUCCEEDED']);
    const lessonId = done['lessonId'] as string;
    const [scheduled] = await until(() => ed.seen('lesson.scheduled', 'lessonId', lessonId), (l) => l.length === 1);
    expect(scheduled).toMatchObject({ lessonId, studentId: lina, tutorId: 'tut-ana', scheduledTime: at(10), subject: 'math', bookingId, chatSessionId: done['chatSessionId'] });
    const [paid] = await until(() => ed.seen('payment.completed', 'paymentId', done['paymentId']), (l) => l.length === 1);
    expect(paid).toMatchObject({ userId: lina, tutorId: 'tut-ana', amount: 40, paymentType: 'LESSON', lessonId });

    const mine = await until(async () => ((await ed.call('GET', `/notifications/${lina}`)).body['notifications'] as Body[]), (l) => l.length === 1);
    expect(mine[0]).toMatchObject({ kind: 'LESSON_CONFIRMATION', lessonId, text: expect.stringContaining('math lesson with tut-ana is confirmed for 2027-03-02 10:00 UTC') as unknown });
    const tutors = (await ed.call('GET', '/notifications/tut-ana')).body['notifications'] as Body[];
    expect(tutors.filter((n) => n['lessonId'] === lessonId).map((n) => n['kind'])).toEqual(['LESSON_NOTIFICATION']);

    expect((await ed.call('GET', '/bookings/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  }, 60_000);

  it('rejects at the availability check (slot taken, subject not taught): nothing to undo, CANCELLED', async () => {
    const taken = await ended(await book({ studentId: lina, tutorId: 'tut-ana', requestedTime: at(10), subject: 'physics' }));
    expect([taken['status'], taken['saga'] && (taken['saga'] as Body)['status'], taken['failure']]).toEqual(['CANCELLED', 'COMPENSATED', { step: 'checkAvailability', code: 'SLOT_TAKEN', reason: 'Ana Silva is booked at 2027-03-02T10:00:00.000Z' }]);
    expect(steps(taken)).toEqual(['checkAvailability:forward:FAILED']);

    const subject = await ended(await book({ studentId: lina, tutorId: 'tut-ben', requestedTime: at(15), subject: 'math' }));
    expect(subject['failure']).toMatchObject({ code: 'SUBJECT_NOT_TAUGHT' });
    const bad = await ed.call('POST', '/bookings', { studentId: lina, tutorId: 'tut-ana', subject: 'math' });
    expect([bad.status, (bad.body['error'] as Body)['code']]).toEqual([400, 'VALIDATION_FAILED']);
  }, 60_000);

  it('compensates a failed payment: the tutor slot is released, and can be booked again', async () => {
    const refused = await ended(await book({ studentId: 'usr-without-account', tutorId: 'tut-ana', requestedTime: at(11), subject: 'math' }));
    expect([refused['status'], (refused['failure'] as Body)['code']]).toEqual(['CANCELLED', 'NO_ACCOUNT']);
    expect(steps(refused)).toEqual(['checkAvailability:forward:SUCCEEDED', 'authorizePayment:forward:FAILED', 'checkAvailability:compensation:COMPENSATED']);
    expect(ed.seen('availability.hold.released', 'sagaId', refused['bookingId'])).toEqual([{ sagaId: refused['bookingId'], released: true }]);

    const rebooked = await ended(await book({ studentId: lina, tutorId: 'tut-ana', requestedTime: at(11), subject: 'math' }));
    expect(rebooked['status']).toBe('CONFIRMED');
  }, 60_000);

  it('compensates a failed lesson creation (no chat session): the payment is released, then the slot', async () => {
    const maya = await student('maya@example.com');
    const failed = await ended(await book({ studentId: maya, tutorId: 'tut-cleo', requestedTime: at(9), subject: 'chemistry' }));
    expect([failed['status'], (failed['failure'] as Body)['code']]).toEqual(['CANCELLED', 'CHAT_UNAVAILABLE']);
    expect(steps(failed)).toEqual(['checkAvailability:forward:SUCCEEDED', 'authorizePayment:forward:SUCCEEDED', 'createLesson:forward:FAILED', 'authorizePayment:compensation:COMPENSATED', 'checkAvailability:compensation:COMPENSATED']);
    expect(ed.seen('payment.released', 'sagaId', failed['bookingId'])).toEqual([{ sagaId: failed['bookingId'], paymentId: failed['paymentId'], released: true }]);
    expect(ed.seen('payment.completed', 'paymentId', failed['paymentId'])).toEqual([]);
  }, 60_000);

  it('takes the released credit into account: 100 EUR of credit, 80 spent on two lessons, 30 more is INSUFFICIENT_FUNDS', async () => {
    const broke = await ended(await book({ studentId: lina, tutorId: 'tut-ben', requestedTime: at(16), subject: 'english' }));
    expect([broke['status'], broke['failure']]).toEqual(['CANCELLED', { step: 'authorizePayment', code: 'INSUFFICIENT_FUNDS', reason: '30.00 EUR asked, 20.00 EUR available' }]);
  }, 60_000);

  it('handles a redelivered event once (idempotent handlers): no second capture, no second notification', async () => {
    const [event] = ed.cloud.recentEvents({}).filter((e) => e.event['detail-type'] === 'lesson.scheduled' && (e.event.detail as { data: Body }).data['studentId'] === lina);
    expect(event).toBeDefined();
    const e = event?.event as { source: string; 'detail-type': string; detail: { data: Body } };
    const out = await ed.eventBridge.send(new PutEventsCommand({ Entries: [{ EventBusName: 'edtech-platform-events-test', Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail) }] }));
    expect(out.FailedEntryCount).toBe(0);
    await until(() => ed.seen('lesson.scheduled', 'lessonId', e.detail.data['lessonId']), (l) => l.length === 2);
    await sleep(3000);
    expect(ed.seen('payment.completed', 'lessonId', e.detail.data['lessonId'])).toHaveLength(1);
    const notes = (await ed.call('GET', `/notifications/${lina}`)).body['notifications'] as Body[];
    expect(notes.filter((n) => n['lessonId'] === e.detail.data['lessonId'])).toHaveLength(1);
  }, 30_000);

  it('processes dead letters: a valid event is reprocessed, the unreadable, the schema-breaking and the twice-dead go to manual handling', async () => {
    const dlq = await ed.queueUrl('payments-dlq');
    const newUser = 'usr-from-the-dlq';
    const userCreated = (userId: string) => JSON.stringify({ version: '0', id: `dlq-${userId}`, source: 'edtech.users', 'detail-type': 'user.created', account: '000000000000', time: new Date().toISOString(), region: ed.cloud.region, resources: [], detail: { metadata: { eventId: '7d9f0a52-7a0e-4c43-9d1e-0b5f2a1e9c01', correlationId: 'dlq-test', eventVersion: '1.0', occurredAt: new Date().toISOString(), producer: 'users' }, data: { userId, email: 'dlq@example.com', role: 'STUDENT', timestamp: new Date().toISOString() } } });
    const invalid = JSON.stringify({ version: '0', id: 'dlq-invalid', source: 'edtech.booking', 'detail-type': 'payment.authorize', detail: { metadata: { eventId: '7d9f0a52-7a0e-4c43-9d1e-0b5f2a1e9c02', correlationId: 'dlq-test', eventVersion: '1.0', occurredAt: new Date().toISOString(), producer: 'booking' }, data: { sagaId: 's', amount: -5 } } });
    await ed.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: userCreated(newUser) }));
    await ed.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: 'not json at all' }));
    await ed.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: invalid }));
    await ed.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: userCreated('usr-dead-twice'), MessageAttributes: { dlqReprocessCount: { DataType: 'Number', StringValue: '2' } } }));

    const result = (await ed.invoke('dlq-processor', {})) as { reprocessed: number; manual: number; outcomes: { queue: string; triage: { action: string; code?: string } }[] };

    expect([result.reprocessed, result.manual]).toEqual([1, 3]);
    expect(result.outcomes.map((o) => o.triage.code ?? o.triage.action).sort()).toEqual(['REPROCESS_LIMIT', 'SCHEMA_INVALID', 'UNREADABLE', 'reprocess']);
    expect((await ed.dlqDepths())['edtech-test-payments-dlq']).toBe(0);
    // The reprocessed user.created opened the account: that user can now pay for a lesson.
    const reprocessedId = '7d9f0a52-7a0e-4c43-9d1e-0b5f2a1e9c01';
    await until(() => ed.cloud.recentInvocations({ eventIds: new Set([reprocessedId]), function: 'edtech-test-payments-consumer' }), (l) => l.some((i) => i.ok && !i.failedEventIds.includes(reprocessedId)), 15_000);
    const booked = await ended(await book({ studentId: newUser, tutorId: 'tut-ben', requestedTime: at(17), subject: 'english' }));
    expect(booked['status']).toBe('CONFIRMED');
  }, 60_000);

  it('measures the seed KPIs: p95 event latency, events per minute, saga completion time', async () => {
    const kpis = await until(async () => (await ed.call('GET', '/kpis?minutes=30')).body, (k) => ((k['sagaCompletionMs'] as Body)['count'] as number) >= 4, 15_000);
    const byType = kpis['byType'] as Record<string, number>;
    expect(Object.keys(byType).sort()).toEqual(['lesson.scheduled', 'payment.completed', 'user.created']);
    expect(byType['user.created']).toBeGreaterThanOrEqual(3);
    const latency = kpis['latencyMs'] as { count: number; p95: number; max: number };
    expect(latency.count).toBe(kpis['events']);
    expect(latency.p95).toBeGreaterThanOrEqual(0);
    expect(latency.p95).toBeLessThanOrEqual(latency.max);
    const saga = kpis['sagaCompletionMs'] as { p95: number };
    expect(saga.p95).toBeGreaterThan(0);
    expect((kpis['met'] as Body)['sagaCompletion']).toBe(saga.p95 < 30_000);
    expect((kpis['eventsPerMinute'] as { peak: number }).peak).toBeGreaterThan(0);
    expect(kpis['targets']).toEqual({ latencyP95Ms: 1000, eventsPerMinute: 1000, sagaCompletionMs: 30_000 });

    const bad = await ed.call('GET', '/kpis?minutes=0');
    expect([bad.status, (bad.body['error'] as Body)['code']]).toEqual([400, 'INVALID_WINDOW']);
  }, 30_000);

  it('gives an outbox row up after 3 attempts (backoff between them): FAILED, kept, and the other rows still go out', async () => {
    // A row whose bus this stage does not have (EVENT_BUS_NOWHERE unset): every attempt fails.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: ed.cloud.urls.dynamodb, region: ed.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
    const event = { ...usersEvents.UserCreated({ userId: 'usr-lost', email: 'lost@example.com', role: 'STUDENT', timestamp: new Date().toISOString() }), bus: 'nowhere' };
    const eventId = (event.detail as { metadata: { eventId: string } }).metadata.eventId;
    await doc.send(new TransactWriteCommand({ TransactItems: outboxWrites('edtech-test-users-outbox', [event]) as never }));

    const row = await until(async () => (await doc.send(new GetCommand({ TableName: 'edtech-test-users-outbox', Key: { id: eventId } }))).Item ?? {}, (r) => r['status'] === 'FAILED', 20_000);
    expect([row['attempts'], MAX_ATTEMPTS]).toEqual([3, 3]);
    expect(String(row['lastError'])).toContain('EVENT_BUS_NOWHERE');
    expect(row['failedAt']).toEqual(expect.any(String));
    expect(ed.seen('user.created', 'userId', 'usr-lost')).toEqual([]);
    doc.destroy();

    // The users outbox still publishes: a registration after it goes out.
    await student('after-failure@example.com');
  }, 40_000);

  it('plays the demo day (npm run demo -- --project examples/edtech --day): a new student, a lesson CONFIRMED, captured, notified', async () => {
    const correlationId = randomUUID();
    const lesson = await playFirstLesson(daySession(ed, correlationId), { stepTimeoutMs: 30_000 });
    expect(lesson.notifications).toEqual(['LESSON_CONFIRMATION']);
    expect(ed.seen('lesson.scheduled', 'lessonId', lesson.lessonId)).toEqual([expect.objectContaining({ studentId: lesson.studentId, tutorId: DEMO_TUTOR, bookingId: lesson.bookingId })]);
    expect(ed.seen('payment.completed', 'paymentId', lesson.paymentId)).toEqual([expect.objectContaining({ userId: lesson.studentId, lessonId: lesson.lessonId })]);
    // Every event of the day carries its correlation id, from the registration to the capture
    const flow = ed.cloud.recentEvents({ correlationId }).map((e) => e.event['detail-type']);
    expect(flow).toEqual(expect.arrayContaining(['user.signed-up', 'user.created', 'lesson.booking.requested', 'payment.authorized', 'lesson.scheduled', 'payment.completed']));
  }, 120_000);

  it('leaves every DLQ empty: no handler failed on any of these flows', async () => {
    const depths = await ed.dlqDepths();
    expect(Object.keys(depths).sort()).toEqual(['edtech-test-booking-dlq', 'edtech-test-lessons-dlq', 'edtech-test-monitoring-dlq', 'edtech-test-notifications-dlq', 'edtech-test-payments-dlq', 'edtech-test-timers-dlq', 'edtech-test-users-dlq']);
    expect(depths).toEqual(Object.fromEntries(Object.keys(depths).map((k) => [k, 0])));
  });
});
