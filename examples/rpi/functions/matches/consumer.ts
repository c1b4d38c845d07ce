// The matches service's consumer (seed 001's MatchEventHandler, and the saga's collectMatches
// participant): MatchRecorded / MatchResultCorrected are projected into MatchesTable (a row
// moves only forward in version: a late or redelivered event changes nothing), and
// CollectMatches is answered from that projection.
import { createMatchesQueueConsumer, type MatchesQueueHandlers, type MatchResult } from '../../generated';
import * as matchesEvents from '../../generated/publishers/matches';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import { nameUuid } from '../../../../lib/ids';
import { matchesStore, type MatchesStore } from './store';

export const MATCHES_NAMESPACE = '3b7e9c21-5d4a-4f6e-8a1b-9c2d3e4f5a60';

export function makeHandlers({ store, now }: { store: MatchesStore; now: () => string }): MatchesQueueHandlers<ConsumerContext> {
  const project = async (match: MatchResult, sequence: number | undefined, ctx: ConsumerContext): Promise<void> => {
    if (sequence === undefined) throw new Error(`match ${match.matchId}: the event has no metadata.sequence (its event-store version)`);
    const written = await store.project(match, sequence);
    ctx.logger.info(written ? 'match projected' : 'match projection is newer: event ignored', { matchId: match.matchId, version: sequence });
  };
  return {
    MatchRecorded: (event, ctx) => project(event.detail.data, event.detail.metadata.sequence, ctx),
    MatchResultCorrected: async (event, ctx) => {
      const { previous: _previous, ...match } = event.detail.data;
      await project(match, event.detail.metadata.sequence, ctx);
    },
    CollectMatches: async (event, ctx) => {
      const { sagaId, season } = event.detail.data;
      const context: EventContext = { ...ctx.causedBy, eventId: nameUuid(MATCHES_NAMESPACE, 'collected', event.detail.metadata.eventId), occurredAt: now() };
      const matches = (await store.season(season)).map(({ version: _v, ...m }) => m);
      const reply = matches.length
        ? matchesEvents.MatchesCollected({ sagaId, season, matches }, context)
        : matchesEvents.MatchesCollectionFailed({ sagaId, season, errorCode: 'NO_MATCHES', errorMessage: `season ${season} has no recorded matches` }, context);
      const sent = await store.reply(reply);
      ctx.logger.info(sent ? 'matches collected' : 'matches collected before (redelivered command)', { sagaId, season, matches: matches.length, reply: reply.detailType });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createMatchesQueueConsumer(makeHandlers({ store: matchesStore, now: () => new Date().toISOString() }));
