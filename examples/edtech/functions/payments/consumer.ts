// The payments service's consumer.
//   UserCreated      -> the user's payment account (a credit line by role), once
//   AuthorizeLessonPayment -> saga: hold the amount (LessonPaymentAuthorized) or LessonPaymentFailed;
//                       a test account (test-accounts.json, 'silent') holds it and answers nothing
//   ReleaseLessonPayment   -> saga compensation: the hold given back (LessonPaymentReleased), also when there is none
//   LessonScheduled  -> the lesson's hold captured, PaymentCompleted (payment.completed), once
// Account changes are conditional on the values read (optimistic, retried on a race); the
// payment id derives from the saga id, so a command sent twice authorizes once and answers alike.
import { createPaymentsQueueConsumer, type PaymentsQueueHandlers } from '../../generated';
import * as paymentsEvents from '../../generated/publishers/payments';
import { clients, sdk } from '../../../../lib/clients';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { TransactWrite } from '../../../../lib/event-store';
import { nameUuid } from '../../../../lib/ids';
import { authorize, capture, fromCents, openAccount, release, toCents, type Account } from './accounts';
import { config } from './config';
import { answersAuthorization, TEST_ACCOUNTS, type TestAccount } from './test-accounts';
import { causedContext, commitOnce, conditionFailed, serviceOutbox } from '../shared/outbox';

const NS = '2b8e4f6a-1c3d-4e5f-8a9b-7c6d5e4f3a2b';
/** How often a decision is taken again when another write changed the account in between. */
const RACE_ATTEMPTS = 5;

export const accountKey = (userId: string) => ({ pk: `ACCOUNT#${userId}`, sk: 'ACCOUNT' });
export const paymentKey = (paymentId: string) => ({ pk: `PAYMENT#${paymentId}`, sk: 'PAYMENT' });
export const paymentIdOf = (sagaId: string): string => nameUuid(NS, sagaId, 'payment');

interface Payment {
  paymentId: string;
  sagaId: string;
  studentId: string;
  tutorId: string;
  amountCents: number;
  status: 'AUTHORIZED' | 'RELEASED' | 'CAPTURED';
}

export interface Deps {
  table: () => string;
  now: () => number;
  testAccounts?: ReadonlyMap<string, TestAccount>;
}

export function makeHandlers({ table, now, testAccounts = TEST_ACCOUNTS }: Deps): PaymentsQueueHandlers<ConsumerContext> {
  const get = async <T>(key: Record<string, string>): Promise<T | undefined> => (await clients.dynamoDbDocument().send(new (sdk.document().GetCommand)({ TableName: table(), Key: key, ConsistentRead: true }))).Item as T | undefined;
  /** The account update conditional on the values it was decided on. */
  const accountWrite = (before: Account, after: Account): TransactWrite => ({
    Update: {
      TableName: table(),
      Key: accountKey(before.userId),
      UpdateExpression: 'SET authorizedCents = :a, capturedCents = :c',
      ConditionExpression: 'authorizedCents = :a0 AND capturedCents = :c0',
      ExpressionAttributeValues: { ':a': after.authorizedCents, ':c': after.capturedCents, ':a0': before.authorizedCents, ':c0': before.capturedCents },
    },
  });
  /** Runs `attempt` again while a condition on the account or the payment fails (another write raced). */
  const untilSettled = async (attempt: () => Promise<void>): Promise<void> => {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (!conditionFailed(error) || i >= RACE_ATTEMPTS) throw error;
      }
    }
  };

  return {
    'user.created': async (event, ctx) => {
      const { userId, role, email } = event.detail.data;
      try {
        await ctx.commit({ events: [], writes: [{ Put: { TableName: table(), Item: { ...accountKey(userId), ...openAccount(userId, role), email, openedAt: new Date(now()).toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' } }] });
        ctx.logger.info('payment account opened', { userId, role });
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        ctx.logger.info('payment account exists', { userId });
      }
    },
    'payment.authorize': async (event, ctx) => {
      const d = event.detail.data;
      const paymentId = paymentIdOf(d.sagaId);
      const amountCents = toCents(d.amount);
      const id = (what: string) => causedContext(ctx, NS, event, what);
      await untilSettled(async () => {
        const answers = answersAuthorization(d.studentId, testAccounts);
        const existing = await get<Payment>(paymentKey(paymentId));
        if (existing && !answers) {
          ctx.logger.warn('test account: the authorization is held, its answer withheld', { sagaId: d.sagaId, paymentId, status: existing.status });
          return;
        }
        if (existing) {
          // The saga's command again (a resend): the same answer, nothing held twice.
          await commitOnce(ctx, { events: [paymentsEvents.LessonPaymentAuthorized({ sagaId: d.sagaId, paymentId, amount: fromCents(existing.amountCents) }, id('authorized'))] });
          return;
        }
        const account = await get<Account>(accountKey(d.studentId));
        const decision = authorize(account, d.studentId, amountCents);
        if (!decision.ok || !account) {
          const failed = decision.ok ? { code: 'NO_ACCOUNT' as const, reason: 'no account' } : decision;
          await commitOnce(ctx, { events: [paymentsEvents.LessonPaymentFailed({ sagaId: d.sagaId, code: failed.code, reason: failed.reason }, id('failed'))] });
          ctx.logger.info('payment refused', { sagaId: d.sagaId, code: failed.code });
          return;
        }
        const payment: Payment = { paymentId, sagaId: d.sagaId, studentId: d.studentId, tutorId: d.tutorId, amountCents, status: 'AUTHORIZED' };
        await commitOnce(ctx, {
          writes: [accountWrite(account, decision.account), { Put: { TableName: table(), Item: { ...paymentKey(paymentId), ...payment, bookingId: d.bookingId, description: d.description, authorizedAt: new Date(now()).toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' } }],
          // A silent test account: the hold is real, its answer is lost (the saga's step times out).
          events: answers ? [paymentsEvents.LessonPaymentAuthorized({ sagaId: d.sagaId, paymentId, amount: d.amount }, id('authorized'))] : [],
        });
        if (answers) ctx.logger.info('payment authorized', { sagaId: d.sagaId, paymentId, amountCents });
        else ctx.logger.warn('test account: payment authorized, answer withheld', { sagaId: d.sagaId, paymentId, amountCents });
      });
    },
    'payment.release': async (event, ctx) => {
      const d = event.detail.data;
      const paymentId = d.paymentId ?? paymentIdOf(d.sagaId);
      const reply = (released: boolean) => paymentsEvents.LessonPaymentReleased({ sagaId: d.sagaId, paymentId, released }, causedContext(ctx, NS, event, 'released'));
      await untilSettled(async () => {
        const payment = await get<Payment>(paymentKey(paymentId));
        const account = payment ? await get<Account>(accountKey(payment.studentId)) : undefined;
        if (!payment || payment.status !== 'AUTHORIZED' || !account) {
          await commitOnce(ctx, { events: [reply(false)] });
          return;
        }
        await commitOnce(ctx, {
          writes: [
            accountWrite(account, release(account, payment.amountCents)),
            { Update: { TableName: table(), Key: paymentKey(paymentId), UpdateExpression: 'SET #status = :released, releasedAt = :at, releaseReason = :reason', ConditionExpression: '#status = :authorized', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':released': 'RELEASED', ':authorized': 'AUTHORIZED', ':at': new Date(now()).toISOString(), ':reason': d.reason } } },
          ],
          events: [reply(true)],
        });
        ctx.logger.info('payment released', { sagaId: d.sagaId, paymentId, reason: d.reason });
      });
    },
    'lesson.scheduled': async (event, ctx) => {
      const { paymentId, lessonId } = event.detail.data;
      if (!paymentId) {
        ctx.logger.warn('lesson scheduled without a payment: nothing to capture', { lessonId });
        return;
      }
      await untilSettled(async () => {
        const payment = await get<Payment>(paymentKey(paymentId));
        if (!payment || payment.status !== 'AUTHORIZED') {
          ctx.logger.info('nothing to capture', { lessonId, paymentId, status: payment?.status ?? 'none' });
          return;
        }
        const account = await get<Account>(accountKey(payment.studentId));
        if (!account) throw new Error(`payment ${paymentId} has no account ${payment.studentId}`);
        const at = new Date(now()).toISOString();
        await commitOnce(ctx, {
          writes: [
            accountWrite(account, capture(account, payment.amountCents)),
            { Update: { TableName: table(), Key: paymentKey(paymentId), UpdateExpression: 'SET #status = :captured, capturedAt = :at, lessonId = :lesson', ConditionExpression: '#status = :authorized', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':captured': 'CAPTURED', ':authorized': 'AUTHORIZED', ':at': at, ':lesson': lessonId } } },
          ],
          events: [paymentsEvents.PaymentCompleted({ paymentId, userId: payment.studentId, tutorId: payment.tutorId, amount: fromCents(payment.amountCents), paymentType: 'LESSON', timestamp: at, lessonId }, { ...causedContext(ctx, NS, event, 'completed'), aggregateId: paymentId, sequence: 1 })],
        });
        ctx.logger.info('payment completed', { paymentId, lessonId });
      });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; events to the payments outbox. */
export const handler = createPaymentsQueueConsumer(makeHandlers({ table: () => config().paymentsTable, now: Date.now }), { outbox: serviceOutbox(() => config().outboxTable) });
