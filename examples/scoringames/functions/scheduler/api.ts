// The scheduler's read and delete side (seed 000's remaining endpoints):
//   GET    /scheduler/{eventId}                        the event's schedules, newest first
//   GET    /scheduler/{eventId}/{scheduleId}           one schedule, with its heats
//   GET    /scheduler/{eventId}/requests/{requestId}   a request's status: PENDING, then the
//          round's COMPLETE / PARTIAL / FAILED (lib/gather), who answered what, and the scheduleId
//   DELETE /scheduler/{eventId}/{scheduleId}           204, or 404 when there is none
import type { GatherState, GatherStore } from '../../../../lib/gather';
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import { scheduleIdOf } from './keys';
import { failureReason, gatherStore, missingOf, type RoundInput } from './rounds';
import { schedules as deployedSchedules, type Schedules } from './store';

export interface Deps {
  schedules: Schedules;
  rounds: () => Pick<GatherStore, 'load'>;
}

/** The status body of an ended or running round. */
export function roundStatus(eventId: string, round: GatherState<RoundInput>): Record<string, unknown> {
  const domains = Object.fromEntries(
    Object.entries(round.responders).map(([name, { required }]) => {
      const answer = round.answers[name];
      return [name, { required, answer: answer ? answer.kind : 'none', ...(answer ? { detailType: answer.detailType, at: answer.at } : {}) }];
    }),
  );
  const ended = round.status !== 'PENDING';
  return {
    requestId: round.requestId,
    eventId,
    status: round.status,
    startedAt: round.startedAt,
    deadline: round.deadline,
    ...(round.endedAt ? { endedAt: round.endedAt } : {}),
    domains,
    ...(round.status === 'COMPLETE' || round.status === 'PARTIAL' ? { scheduleId: scheduleIdOf(round.requestId), links: { schedule: `/scheduler/${eventId}/${scheduleIdOf(round.requestId)}` } } : {}),
    ...(round.status === 'PARTIAL' ? { missing: missingOf(round) } : {}),
    ...(round.status === 'FAILED' ? { reason: failureReason(round) } : ended && round.reason ? { reason: round.reason } : {}),
  };
}

export function makeApi({ schedules, rounds }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'scheduler',
    routes: {
      'GET /scheduler/{eventId}': route({
        handler: async ({ pathParameters }) => {
          const eventId = pathParameters['eventId'] as string;
          const list = await schedules.list(eventId);
          return { body: { eventId, schedules: list.map(({ scheduleId, requestId, status, name, published, version, generatedAt, updatedAt, schedule }) => ({ scheduleId, requestId, status, name, published, version, generatedAt, updatedAt, heats: schedule.heats.length, links: { self: `/scheduler/${eventId}/${scheduleId}` } })) } };
        },
      }),
      'GET /scheduler/{eventId}/{scheduleId}': route({
        handler: async ({ pathParameters }) => {
          const eventId = pathParameters['eventId'] as string;
          const scheduleId = pathParameters['scheduleId'] as string;
          const found = await schedules.get(eventId, scheduleId);
          if (!found) throw new NotFoundError(`event ${eventId} has no schedule ${scheduleId}`, { code: 'SCHEDULE_NOT_FOUND' });
          return { body: found };
        },
      }),
      'GET /scheduler/{eventId}/requests/{requestId}': route({
        handler: async ({ pathParameters }) => {
          const eventId = pathParameters['eventId'] as string;
          const requestId = pathParameters['requestId'] as string;
          const round = await rounds().load<RoundInput>(requestId);
          if (round && round.input.eventId === eventId) return { body: roundStatus(eventId, round) };
          // Accepted, but the consumer has not started the round yet.
          const record = await schedules.requestRecord(requestId);
          if (record && record.eventId === eventId) return { body: { requestId, eventId, status: 'PENDING', requestedAt: record.requestedAt } };
          throw new NotFoundError(`event ${eventId} has no schedule request ${requestId}`, { code: 'REQUEST_NOT_FOUND' });
        },
      }),
      'DELETE /scheduler/{eventId}/{scheduleId}': route({
        handler: async ({ pathParameters }) => {
          const eventId = pathParameters['eventId'] as string;
          const scheduleId = pathParameters['scheduleId'] as string;
          if (!(await schedules.remove(eventId, scheduleId))) throw new NotFoundError(`event ${eventId} has no schedule ${scheduleId}`, { code: 'SCHEDULE_NOT_FOUND' });
          return { statusCode: 204 };
        },
      }),
    },
  });
}

export const handler = makeApi({ schedules: deployedSchedules, rounds: gatherStore });
