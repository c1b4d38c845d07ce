// Payments service consumer: the assignment saga's participant that puts a hold on the
// driver's card through the fake processor (AuthorizePayment, compensated by
// VoidPaymentAuthorization), then the payment after the work: WorkCompleted creates it
// (approved at once, or waiting for the back office, or flagged), PaymentApproved captures
// it. Each event is written with the state it reports (store.ts).
import { createPaymentApprovalQueueConsumer, type PaymentApprovalQueueHandlers } from '../../generated';
import { backoffDelay } from '../../lib/backoff';
import type { ConsumerContext } from '../../lib/consumer';
import { authorizationIdOf, pendingFor, settle, voidedReply, voidedUnasked, type Authorization } from './authorizations';
import { config } from './config';
import { CAPTURE_ATTEMPTS, CAPTURE_BACKOFF, captureKeyOf, createPayment, paymentIdOf, settleCapture } from './payments';
import { fakeProcessor, type CardProcessor } from './processor';
import { authorizationStore, paymentStore, type AuthorizationStore, type PaymentStore } from './store';
import { tokenOf } from './wallets';

export interface Deps {
  authorizations: AuthorizationStore;
  payments: PaymentStore;
  processor: CardProcessor;
  /** Payments up to this many cents are approved without the back office. */
  autoApproveCents: () => number;
  now: () => string;
  /** Waits between capture attempts (tests pass one that records and returns at once). */
  sleep: (ms: number) => Promise<void>;
}

/** Two writers of one payment (or one driver's counter) at once: the loser reads again and decides again, this many times. */
const WRITE_ATTEMPTS = 3;

export function makeHandlers({ authorizations, payments, processor, autoApproveCents, now, sleep }: Deps): PaymentApprovalQueueHandlers<ConsumerContext> {
  return {
    AuthorizePayment: async (event, ctx) => {
      const command = event.detail.data;
      // PENDING is stored before the processor is asked, so a void arriving meanwhile finds a hold to release.
      let current: Authorization | undefined = await authorizations.find(command.sagaId);
      if (!current) {
        const pending = pendingFor(command, now());
        current = (await authorizations.create(pending)) ? pending : await authorizations.find(command.sagaId);
      }
      // Answered before (its reply went with it) or voided first: nothing to do. A PENDING one is asked again (idempotent per authorizationId).
      if (current?.status !== 'PENDING') {
        ctx.logger.info('authorization already decided', { sagaId: command.sagaId, status: current?.status });
        return;
      }
      const answer = await processor.authorize({ authorizationId: current.authorizationId, token: tokenOf(command.driverId), amountCents: command.amount.amountCents, currency: command.amount.currency });
      const settled = settle(current, answer, ctx.causedBy, now());
      if (!settled) {
        // No reply: the saga's step timer fires and its VoidPaymentAuthorization releases the pending hold.
        ctx.logger.warn('card processor did not answer; authorization left pending', { sagaId: command.sagaId, authorizationId: current.authorizationId });
        return;
      }
      if (await authorizations.replace(settled.next, 'PENDING', settled.reply)) {
        ctx.logger.info('payment authorization decided', { sagaId: command.sagaId, status: settled.next.status });
        return;
      }
      // Voided while the processor answered: an approved hold must not stay on the card.
      const latest = await authorizations.find(command.sagaId);
      if (latest?.status === 'VOIDED' && answer.outcome === 'approved') await processor.void(current.authorizationId);
      ctx.logger.info('authorization changed while the processor answered', { sagaId: command.sagaId, status: latest?.status });
    },
    VoidPaymentAuthorization: async (event, ctx) => {
      const command = event.detail.data;
      // Two tries: a concurrent change (the processor's answer stored meanwhile) is decided again on what it wrote.
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const found = await authorizations.find(command.sagaId);
        const at = now();
        const reply = voidedReply(command, found, ctx.causedBy, at);
        let done = true;
        if (!found) done = await authorizations.create(voidedUnasked(command, at), reply);
        else if (found.status === 'PENDING' || found.status === 'AUTHORIZED') {
          await processor.void(found.authorizationId);
          done = await authorizations.replace({ ...found, status: 'VOIDED', voidedAt: at }, found.status, reply);
        } else await authorizations.reply(reply); // declined or voided before: nothing to release, the reply once per saga
        if (done) {
          ctx.logger.info('payment authorization voided', { sagaId: command.sagaId, authorizationId: authorizationIdOf(command.sagaId), had: found?.status ?? 'nothing' });
          return;
        }
      }
      throw new Error(`VoidPaymentAuthorization for saga ${command.sagaId}: the authorization kept changing; retrying the record`);
    },
    WorkCompleted: async (event, ctx) => {
      const work = event.detail.data;
      const paymentId = paymentIdOf(work.incidentId);
      for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt += 1) {
        const existing = await payments.find(paymentId);
        if (existing) {
          // Redelivered: the payment and its events were written together; its capture follows its PaymentApproved.
          ctx.logger.info('payment already created', { incidentId: work.incidentId, paymentId, status: existing.status });
          return;
        }
        // The hold to capture: the incident's authorization still AUTHORIZED (voided or declined ones of other sagas are not).
        const hold = (await authorizations.forIncident(work.incidentId)).find((a) => a.status === 'AUTHORIZED');
        const velocity = await payments.velocity(work.driverId);
        const created = createPayment(work, hold, velocity, autoApproveCents(), ctx.causedBy, now());
        if (await payments.create(created.payment, created.velocity, created.events)) {
          const { status, flag, authorizationId } = created.payment;
          if (!authorizationId) ctx.logger.warn('no authorization held for the incident: the card will be charged without a prior hold', { incidentId: work.incidentId, paymentId });
          ctx.logger.info('payment created', { incidentId: work.incidentId, paymentId, status, flagged: flag?.reasons ?? [] });
          return;
        }
      }
      throw new Error(`WorkCompleted for incident ${work.incidentId}: the payment or the driver's counter kept changing; retrying the record`);
    },
    PaymentApproved: async (event, ctx) => {
      const { paymentId } = event.detail.data;
      const payment = await payments.find(paymentId);
      if (payment?.status !== 'APPROVED') {
        // Captured (or failed) before: a redelivery, or the other of two deliveries; nothing to do.
        ctx.logger.info('payment not waiting for capture', { paymentId, status: payment?.status ?? 'unknown' });
        return;
      }
      const request = { idempotencyKey: captureKeyOf(paymentId), token: tokenOf(payment.driverId), amountCents: payment.amount.amountCents, currency: payment.amount.currency, ...(payment.authorizationId ? { authorizationId: payment.authorizationId } : {}) };
      for (let attempt = 1; ; attempt += 1) {
        const answer = await processor.capture(request);
        const settled = settleCapture(payment, answer, attempt, ctx.causedBy, now());
        if (!settled) {
          const delay = backoffDelay(attempt, CAPTURE_BACKOFF);
          ctx.logger.warn('card processor unavailable; retrying the capture', { paymentId, attempt, of: CAPTURE_ATTEMPTS, delayMs: delay });
          await sleep(delay);
          continue;
        }
        // Conditioned on APPROVED: of two deliveries capturing at once (same idempotency key, one charge), one writes.
        const written = await payments.replace(settled.next, 'APPROVED', [settled.event]);
        ctx.logger.info(written ? 'payment capture decided' : 'payment capture decided by another delivery', { paymentId, status: settled.next.status, attempt });
        return;
      }
    },
  };
}

export const handlers = makeHandlers({
  authorizations: authorizationStore,
  payments: paymentStore,
  processor: fakeProcessor,
  autoApproveCents: () => config().autoApproveCents,
  now: () => new Date().toISOString(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createPaymentApprovalQueueConsumer(handlers);
