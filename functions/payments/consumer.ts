// Payments service consumer: the assignment saga's participant that puts a hold on the
// driver's card through the fake processor (AuthorizePayment, compensated by
// VoidPaymentAuthorization). Each reply is written with the state it reports (store.ts).
import { createPaymentApprovalQueueConsumer, paymentApprovalQueueNotImplemented, type PaymentApprovalQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { authorizationIdOf, pendingFor, settle, voidedReply, voidedUnasked, type Authorization } from './authorizations';
import { fakeProcessor, type CardProcessor } from './processor';
import { authorizationStore, type AuthorizationStore } from './store';
import { tokenOf } from './wallets';

export interface Deps {
  authorizations: AuthorizationStore;
  processor: CardProcessor;
  now: () => string;
}

export function makeHandlers({ authorizations, processor, now }: Deps): PaymentApprovalQueueHandlers<ConsumerContext> {
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
    // Still to do (later issue): capture after the work, not on the saga's path.
    ...paymentApprovalQueueNotImplemented('WorkCompleted'),
  };
}

export const handlers = makeHandlers({ authorizations: authorizationStore, processor: fakeProcessor, now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createPaymentApprovalQueueConsumer(handlers);
