// Tracking service consumer. A responder of the scatter-gather round: EtaRequested is
// answered with an ETA per vendor depot in range (eta.ts), or EtaError in a test zone,
// through the outbox (store.ts), once per request event. Live tracking sessions
// (session-handlers.ts): IncidentAssigned opens one, WorkCompleted and IncidentCancelled
// close it; pings come over HTTP (commands.ts).
import { createTrackingQueueConsumer, type TrackingQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { depots as depotList, estimatesFor, etaReply, testZoneAt, testZoneError, testZones as depotZones, type Depot, type EtaAnswer, type TestZone } from './eta';
import { makeSessionHandlers } from './session-handlers';
import { sessionStore, type SessionStore } from './session-store';
import { etaReplies, type EtaReplies } from './store';

export interface Deps {
  replies: EtaReplies;
  sessions: SessionStore;
  /** Vendor depots (default: depots.json). */
  depots?: readonly Depot[];
  /** Where EtaRequested fails or gets no answer on purpose (default: depots.json's). */
  testZones?: readonly TestZone[];
  now: () => string;
}

export function makeHandlers({ replies, sessions, depots = depotList, testZones = depotZones, now }: Deps): TrackingQueueHandlers<ConsumerContext> {
  return {
    EtaRequested: async (event, ctx) => {
      const request = event.detail.data;
      const log = { requestId: request.requestId, incidentId: request.incidentId };
      const zone = testZoneAt(request.destination, testZones);
      if (zone?.behaviour === 'silent') {
        ctx.logger.info('test zone: ETA request consumed without an answer', { ...log, testZone: zone.name });
        return;
      }
      // No vendor in range is an answer too (empty estimates): whether anyone can come is the vendor service's to say.
      const answer: EtaAnswer = zone ? testZoneError(zone) : { ok: true, estimates: estimatesFor(request, depots) };
      const reply = etaReply(request, answer, event.detail.metadata.eventId, ctx.causedBy, now());
      const sent = await replies.reply(reply);
      ctx.logger.info(sent ? 'ETAs answered' : 'ETAs answered before (redelivered request)', {
        ...log,
        answer: reply.detailType,
        ...(answer.ok ? { estimates: answer.estimates.length } : { errorCode: answer.errorCode }),
        ...(zone ? { testZone: zone.name } : {}),
      });
    },
    // Live tracking of the assigned vendor (session-handlers.ts): IncidentAssigned opens a session, WorkCompleted and IncidentCancelled close it.
    ...makeSessionHandlers({ sessions, now }),
  };
}

export const handlers = makeHandlers({ replies: etaReplies, sessions: sessionStore, now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createTrackingQueueConsumer(handlers);
