// The metadata service's consumer (seed 001's MetadataEventHandler; the saga's updateCache
// participant): UpdateRpiCache joins the ratings with the team metadata into the season's
// rankings cache -> RpiCacheUpdated, or RpiCacheUpdateFailed (UNKNOWN_TEAM) and the cache is
// left as it was.
import { createMetadataQueueConsumer, type MetadataQueueHandlers } from '../../generated';
import * as metadataEvents from '../../generated/publishers/metadata';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import { nameUuid } from '../../../../lib/ids';
import { rankings, UnknownTeamError } from './rankings';
import { metadataStore, type MetadataStore } from './store';

export const METADATA_NAMESPACE = '4e6a8c0b-2d1f-4b3a-9c5e-7f8a9b0c1d2e';

export function makeHandlers({ store, now }: { store: MetadataStore; now: () => string }): MetadataQueueHandlers<ConsumerContext> {
  return {
    UpdateRpiCache: async (event, ctx) => {
      const { sagaId, season, ratings } = event.detail.data;
      const context: EventContext = { ...ctx.causedBy, eventId: nameUuid(METADATA_NAMESPACE, 'reply', event.detail.metadata.eventId), occurredAt: now() };
      const teams = await store.teams(ratings.map((r) => r.teamId));
      try {
        const ranked = rankings(ratings, teams);
        const sent = await store.commit({ season, calculationId: sagaId, updatedAt: now(), teams: ranked }, metadataEvents.RpiCacheUpdated({ sagaId, season, teams: ranked.length }, context));
        ctx.logger.info(sent ? 'rankings cache updated' : 'rankings cache updated before', { sagaId, season, teams: ranked.length });
      } catch (error) {
        if (!(error instanceof UnknownTeamError)) throw error;
        await store.commit(undefined, metadataEvents.RpiCacheUpdateFailed({ sagaId, season, errorCode: 'UNKNOWN_TEAM', errorMessage: error.message }, context));
        ctx.logger.info('rankings cache not updated', { sagaId, season, unknown: error.teams });
      }
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createMetadataQueueConsumer(makeHandlers({ store: metadataStore, now: () => new Date().toISOString() }));
