// The coordinator's consumer: RpiCalculationRequested starts the rpiCalculation saga; every
// participant's reply and every step timer comes back here and moves the saga (lib/saga: a
// duplicate, late or stale input changes nothing).
import { createCoordinatorQueueConsumer, type CoordinatorQueueHandlers, type EventBridgeEvent } from '../../generated';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { SagaEvent } from '../../../../lib/saga';
import { calculationRunner, type CalculationRunner } from './saga';

const sagaEvent = <D>(event: EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string; occurredAt?: string }; data: D }>): SagaEvent<D> => ({ detailType: event['detail-type'], detail: event.detail });

export function makeHandlers({ runner }: { runner: () => CalculationRunner }): CoordinatorQueueHandlers<ConsumerContext> {
  const reply = async (event: Parameters<typeof sagaEvent>[0], ctx: ConsumerContext): Promise<void> => {
    const t = await runner().reply(sagaEvent(event));
    ctx.logger.info('saga reply', { detailType: event['detail-type'], outcome: t.outcome, status: t.state?.status, sagaId: t.state?.sagaId });
  };
  return {
    RpiCalculationRequested: async (event, ctx) => {
      const t = await runner().start(sagaEvent(event));
      ctx.logger.info('rpi calculation saga', { calculationId: event.detail.data.calculationId, season: event.detail.data.season, outcome: t.outcome });
    },
    RpiSagaStepTimedOut: async (event, ctx) => {
      const t = await runner().timeout(sagaEvent(event));
      ctx.logger.info('saga step timer', { sagaId: event.detail.data.sagaId, step: event.detail.data.step, outcome: t.outcome, status: t.state?.status });
    },
    MatchesCollected: reply,
    MatchesCollectionFailed: reply,
    RpiCalculated: reply,
    RpiCalculationFailed: reply,
    RpiCalculationDiscarded: reply,
    RpiResultsPublished: reply,
    RpiResultsPublicationFailed: reply,
    RpiResultsWithdrawn: reply,
    RpiCacheUpdated: reply,
    RpiCacheUpdateFailed: reply,
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createCoordinatorQueueConsumer(makeHandlers({ runner: calculationRunner }));
