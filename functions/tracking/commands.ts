// Tracking commands on the HTTP API: the vendor app's location pings. Each is validated
// against the spec (lib/http), decided on the session (sessions.ts applyPing) and stored with
// the events it causes (TrackingUpdated, throttled; VendorArrived once) in one transaction
// (session-store.ts). README "Tracking sessions" has the rules and the answers.
import { validateTrackLocationCommand } from '../../generated';
import { BadRequestError, ConflictError, createHttpApi, HttpError, NotFoundError, route, type HttpApiHandler } from '../../lib/http';
import { sessionStore, type SessionStore } from './session-store';
import { applyPing, TrackingRuleError } from './sessions';

export interface Deps {
  sessions: SessionStore;
  now: () => Date;
}

/** Two pings of one session written at once: the loser reads again and decides again, this many times. */
const PING_ATTEMPTS = 3;

function mapError(error: unknown): HttpError | undefined {
  if (!(error instanceof TrackingRuleError)) return undefined;
  if (error.code === 'SESSION_NOT_FOUND') return new NotFoundError(error.message, { code: error.code });
  if (error.code === 'NOT_YOUR_SESSION') return new HttpError(403, error.message, { code: error.code });
  if (error.code === 'PING_IN_FUTURE') return new BadRequestError(error.message, { code: error.code });
  return new ConflictError(error.message, { code: error.code });
}

export function makeApi({ sessions, now }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'tracking',
    mapError,
    routes: {
      'POST /tracking/{sessionId}/locations': route({
        body: validateTrackLocationCommand,
        handler: async ({ body, pathParameters }, { logger }) => {
          const sessionId = pathParameters['sessionId'] as string;
          for (let attempt = 1; attempt <= PING_ATTEMPTS; attempt += 1) {
            const session = await sessions.find(sessionId);
            if (!session) throw new TrackingRuleError('SESSION_NOT_FOUND', `tracking session ${sessionId} does not exist`);
            const outcome = applyPing(session, body, now());
            if (outcome.kind === 'ignored') {
              // Not an error: the device resends and reorders; the session already has something newer or the same.
              logger.info('location ping ignored', { sessionId, reason: outcome.reason, recordedAt: body.recordedAt });
              return { statusCode: 200, body: { sessionId, accepted: false, ignored: outcome.reason, note: `a ping not newer than the latest accepted one (${session.lastPing?.recordedAt ?? ''}) is ignored`, latestRecordedAt: session.lastPing?.recordedAt } };
            }
            if (await sessions.update(outcome.session, outcome.events)) {
              const published = outcome.events.map((e) => e.detailType);
              logger.info('location ping accepted', { sessionId, etaMinutes: outcome.session.etaMinutes, published, throttle: outcome.published.updated ?? 'held' });
              const s = outcome.session;
              return { statusCode: 200, body: { sessionId, accepted: true, status: s.status, etaMinutes: s.etaMinutes, distanceRemainingKm: s.distanceRemainingKm, arrived: s.arrivedAt !== undefined, published } };
            }
          }
          throw new ConflictError(`tracking session ${sessionId} kept changing while the ping was stored; send it again`, { code: 'SESSION_BUSY' });
        },
      }),
    },
  });
}

export const handler = makeApi({ sessions: sessionStore, now: () => new Date() });
