// The tracking consumer's session handlers: IncidentAssigned opens the incident's tracking
// session (TrackingStarted), WorkCompleted and IncidentCancelled close it (TrackingStopped).
// Each change is stored with its event in one transaction (session-store.ts); the session id
// and the event ids derive from the incident, so a redelivered event opens or closes nothing
// twice. consumer.ts spreads these into the queue's handler map.
import type { TrackingQueueHandlers } from '../../generated';
import { NonRetryableEventError, type ConsumerContext } from '../../lib/consumer';
import type { SessionStore } from './session-store';
import { cannotStart, sessionIdOf, startSession, stopSession, type StopReason } from './sessions';

export interface SessionDeps {
  sessions: SessionStore;
  now: () => string;
}

export type SessionHandlers = Pick<TrackingQueueHandlers<ConsumerContext>, 'IncidentAssigned' | 'WorkCompleted' | 'IncidentCancelled'>;

/** A stop that keeps losing to concurrent pings is tried this many times before the record is retried by SQS. */
const STOP_ATTEMPTS = 3;

export function makeSessionHandlers({ sessions, now }: SessionDeps): SessionHandlers {
  const stop = async (incidentId: string, reason: StopReason, ctx: ConsumerContext): Promise<void> => {
    const sessionId = sessionIdOf(incidentId);
    for (let attempt = 1; attempt <= STOP_ATTEMPTS; attempt += 1) {
      const session = await sessions.find(sessionId);
      if (!session) {
        // Nothing was tracked for this incident (cancelled before any assignment): nothing to stop.
        ctx.logger.info('no tracking session to stop', { incidentId, reason });
        return;
      }
      const stopped = stopSession(session, reason, ctx.causedBy, now());
      if (!stopped) {
        ctx.logger.info('tracking session already stopped', { incidentId, sessionId, reason, stoppedBy: session.stopReason });
        return;
      }
      // false: a ping (or another stop) wrote first; read again and decide again.
      if (await sessions.update(stopped.session, [stopped.event])) {
        ctx.logger.info('tracking session stopped', { incidentId, sessionId, reason, totalDistanceKm: stopped.session.travelledKm });
        return;
      }
    }
    throw new Error(`stopping tracking session ${sessionId}: it kept changing; retrying the record`);
  };
  return {
    IncidentAssigned: async (event, ctx) => {
      const assigned = event.detail.data;
      const problem = cannotStart(assigned);
      // Retrying cannot add the missing field: the errors bus stores the event for a replay.
      if (problem) throw new NonRetryableEventError('TRACKING_DESTINATION_MISSING', problem);
      const sessionId = sessionIdOf(assigned.incidentId);
      const existing = await sessions.find(sessionId);
      if (existing) {
        ctx.logger.info('tracking session already open', { incidentId: assigned.incidentId, sessionId, status: existing.status });
        return;
      }
      const { session, event: started } = startSession(assigned, ctx.causedBy, now());
      const created = await sessions.create(session, [started]);
      ctx.logger.info(created ? 'tracking session started' : 'tracking session started before (concurrent delivery)', { incidentId: assigned.incidentId, sessionId, vendorId: assigned.vendorId });
    },
    WorkCompleted: (event, ctx) => stop(event.detail.data.incidentId, 'work_completed', ctx),
    IncidentCancelled: (event, ctx) => stop(event.detail.data.incidentId, 'incident_cancelled', ctx),
  };
}
