// The scheduler orchestrator's consumer (seed 000). ScheduleRequested starts the request's
// round (round.ts, lib/gather): the four Data Requested events go out through the outbox
// with the round, and the deadline timer is armed. Every Data Response / Data Error comes
// back here and is recorded by requestId; the last one, or the deadline, ends the round once.
import { createSchedulerQueueConsumer, type EventBridgeEvent, type SchedulerQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { GatherEvent } from '../../../../lib/gather';
import { scheduleRunner, type ScheduleRunner } from './round';
import type { RoundInput } from './rounds';

export interface Deps {
  rounds: () => ScheduleRunner;
}

const gatherEvent = <D>(event: EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string }; data: D }>): GatherEvent<D> => ({ detailType: event['detail-type'], detail: event.detail });

export function makeHandlers({ rounds }: Deps): SchedulerQueueHandlers<ConsumerContext> {
  const answer = async (event: Parameters<typeof gatherEvent>[0], ctx: ConsumerContext): Promise<void> => {
    const result = await rounds().answer(gatherEvent(event));
    const log = { detailType: event['detail-type'], requestId: result.state?.requestId };
    if (result.outcome === 'ignored') ctx.logger.info('schedule answer ignored', { ...log, reason: result.reason });
    else if (result.outcome === 'ended') ctx.logger.info('schedule round ended', { ...log, status: result.state?.status });
  };
  return {
    ScheduleRequested: async (event, ctx) => {
      const { requestId, eventId, maxAthletesPerHeat, transitionMinutes } = event.detail.data;
      const input: RoundInput = { eventId, options: { ...(maxAthletesPerHeat !== undefined ? { maxAthletesPerHeat } : {}), ...(transitionMinutes !== undefined ? { transitionMinutes } : {}) } };
      const { started, state } = await rounds().start(requestId, input, event.detail.metadata);
      ctx.logger.info(started ? 'schedule round started' : 'schedule round already started', { requestId, eventId, status: state.status });
    },
    ScheduleDeadlineElapsed: async (event, ctx) => {
      const { outcome, state } = await rounds().deadline(gatherEvent(event));
      ctx.logger.info(outcome === 'ended' ? 'schedule round ended at its deadline' : 'schedule deadline ignored: the round ended', { requestId: event.detail.data.requestId, status: state?.status });
    },
    EventDataResponse: answer,
    EventDataError: answer,
    AthletesDataResponse: answer,
    AthletesDataError: answer,
    CategoriesDataResponse: answer,
    CategoriesDataError: answer,
    WodsDataResponse: answer,
    WodsDataError: answer,
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createSchedulerQueueConsumer(makeHandlers({ rounds: scheduleRunner }));
