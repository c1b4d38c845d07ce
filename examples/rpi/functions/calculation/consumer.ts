// The calculation service's consumer (seed 001's CalculationEventHandler; the saga's
// calculateRpi and publishResults participant):
//   CalculateRpi           rate the matches (rpi.ts), store them as a DRAFT -> RpiCalculated,
//                          or RpiCalculationFailed (RPI_UNDEFINED, INVALID_MATCHES)
//   DiscardRpiCalculation  the draft DISCARDED (nothing stored: nothing to do) -> RpiCalculationDiscarded
//   PublishRpiResults      the draft becomes the season's CURRENT results -> RpiResultsPublished,
//                          or RpiResultsPublicationFailed (STALE_CALCULATION...); no answer at all
//                          for a calculation rating a test team (test-teams.json): the step times out
//   WithdrawRpiResults     the results it replaced are current again -> RpiResultsWithdrawn
// Each reply is written with its change in one transaction, its id derived from the command's.
import { createCalculationQueueConsumer, type CalculationQueueHandlers } from '../../generated';
import * as calculationEvents from '../../generated/publishers/calculation';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import type { TransactWrite } from '../../../../lib/event-store';
import { nameUuid } from '../../../../lib/ids';
import { decidePublish, decideWithdraw, type StoredCalculation } from './results';
import { calculateRpi, InvalidMatchError, RpiUndefinedError } from './rpi';
import { calcSk, CURRENT_SK, ratingsStore, seasonPk, type RatingsStore } from './store';
import { silentTestTeam, testTeams as fileTestTeams, type TestTeam } from './test-teams';

export const CALCULATION_NAMESPACE = '9d2f4b6a-1c3e-4a5b-8d7f-0e1a2b3c4d5e';

export function makeHandlers({ store, now, testTeams = fileTestTeams }: { store: RatingsStore; now: () => string; testTeams?: readonly TestTeam[] }): CalculationQueueHandlers<ConsumerContext> {
  const replyContext = (commandEventId: string, ctx: ConsumerContext): EventContext => ({ ...ctx.causedBy, eventId: nameUuid(CALCULATION_NAMESPACE, 'reply', commandEventId), occurredAt: now() });
  const setStatus = (season: string, id: string, status: StoredCalculation['status'], extra: Record<string, unknown> = {}): TransactWrite => {
    const names: Record<string, string> = { '#s': 'status' };
    const values: Record<string, unknown> = { ':s': status };
    const sets = ['#s = :s'];
    Object.entries(extra).forEach(([k, v], i) => {
      names[`#e${i}`] = k;
      values[`:e${i}`] = v;
      sets.push(`#e${i} = :e${i}`);
    });
    return { Update: { TableName: store.table(), Key: { pk: seasonPk(season), sk: calcSk(id) }, UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
  };

  return {
    CalculateRpi: async (event, ctx) => {
      const { sagaId, season, matches } = event.detail.data;
      const context = replyContext(event.detail.metadata.eventId, ctx);
      const existing = await store.calculation(season, sagaId);
      if (existing) {
        // Calculated before (the command sent again): the same answer, nothing written.
        await store.commit([], calculationEvents.RpiCalculated({ sagaId, season, matches: existing.matches, ratings: existing.ratings }, context));
        return;
      }
      try {
        const ratings = calculateRpi(matches);
        const item = { pk: seasonPk(season), sk: calcSk(sagaId), calculationId: sagaId, season, status: 'DRAFT', matches: matches.length, calculatedAt: now(), ratings };
        const sent = await store.commit([{ Put: { TableName: store.table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }], calculationEvents.RpiCalculated({ sagaId, season, matches: matches.length, ratings }, context));
        ctx.logger.info(sent ? 'rpi calculated' : 'rpi calculated before', { sagaId, season, teams: ratings.length });
      } catch (error) {
        if (!(error instanceof RpiUndefinedError) && !(error instanceof InvalidMatchError)) throw error;
        const errorCode = error instanceof RpiUndefinedError ? 'RPI_UNDEFINED' : 'INVALID_MATCHES';
        await store.commit([], calculationEvents.RpiCalculationFailed({ sagaId, season, errorCode, errorMessage: error.message }, context));
        ctx.logger.info('rpi calculation failed', { sagaId, season, errorCode });
      }
    },
    DiscardRpiCalculation: async (event, ctx) => {
      const { sagaId, season, reason } = event.detail.data;
      const found = await store.calculation(season, sagaId);
      const discard = found !== undefined && found.status !== 'PUBLISHED';
      const writes = discard ? [setStatus(season, sagaId, 'DISCARDED', { discardReason: reason })] : [];
      await store.commit(writes, calculationEvents.RpiCalculationDiscarded({ sagaId, season, discarded: discard }, replyContext(event.detail.metadata.eventId, ctx)));
      ctx.logger.info('rpi calculation discarded', { sagaId, season, discarded: discard, was: found?.status });
    },
    PublishRpiResults: async (event, ctx) => {
      const { sagaId, season } = event.detail.data;
      const context = replyContext(event.detail.metadata.eventId, ctx);
      const [calculation, current] = await Promise.all([store.calculation(season, sagaId), store.current(season)]);
      const silent = silentTestTeam('PublishRpiResults', calculation?.ratings.map((r) => r.teamId) ?? [], testTeams);
      if (silent) {
        ctx.logger.info('test team: PublishRpiResults consumed without an answer', { sagaId, season, testTeam: silent.teamId });
        return;
      }
      const decision = decidePublish(calculation, current, sagaId);
      if (!decision.ok) {
        await store.commit([], calculationEvents.RpiResultsPublicationFailed({ sagaId, season, errorCode: decision.errorCode, errorMessage: decision.errorMessage }, context));
        ctx.logger.info('rpi results not published', { sagaId, season, errorCode: decision.errorCode });
        return;
      }
      const previous = decision.previousCalculationId ? { previousCalculationId: decision.previousCalculationId } : {};
      const writes: TransactWrite[] = decision.alreadyPublished
        ? []
        : [
            {
              Put: {
                TableName: store.table(),
                Item: { pk: seasonPk(season), sk: CURRENT_SK, calculationId: sagaId, matches: calculation?.matches ?? 0, publishedAt: now() },
                // The current results are still those decided on.
                ...(current ? { ConditionExpression: 'calculationId = :c', ExpressionAttributeValues: { ':c': current.calculationId } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            setStatus(season, sagaId, 'PUBLISHED', previous),
          ];
      const sent = await store.commit(writes, calculationEvents.RpiResultsPublished({ sagaId, season, ...previous }, context));
      ctx.logger.info(sent ? 'rpi results published' : 'rpi results published before', { sagaId, season, ...previous });
    },
    WithdrawRpiResults: async (event, ctx) => {
      const { sagaId, season, reason } = event.detail.data;
      const [calculation, current] = await Promise.all([store.calculation(season, sagaId), store.current(season)]);
      const decision = decideWithdraw(calculation, current);
      const writes: TransactWrite[] = [];
      if (decision.withdraw) {
        const restored = decision.restore ? await store.calculation(season, decision.restore) : undefined;
        writes.push(
          restored
            ? { Put: { TableName: store.table(), Item: { pk: seasonPk(season), sk: CURRENT_SK, calculationId: restored.calculationId, matches: restored.matches, publishedAt: now() }, ConditionExpression: 'calculationId = :c', ExpressionAttributeValues: { ':c': sagaId } } }
            : { Delete: { TableName: store.table(), Key: { pk: seasonPk(season), sk: CURRENT_SK }, ConditionExpression: 'calculationId = :c', ExpressionAttributeValues: { ':c': sagaId } } },
          setStatus(season, sagaId, 'WITHDRAWN', { withdrawReason: reason }),
        );
      }
      const restore = decision.withdraw && decision.restore ? { restoredCalculationId: decision.restore } : {};
      await store.commit(writes, calculationEvents.RpiResultsWithdrawn({ sagaId, season, withdrawn: decision.withdraw, ...restore }, replyContext(event.detail.metadata.eventId, ctx)));
      ctx.logger.info('rpi results withdrawn', { sagaId, season, withdrawn: decision.withdraw, ...restore });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createCalculationQueueConsumer(makeHandlers({ store: ratingsStore, now: () => new Date().toISOString() }));
