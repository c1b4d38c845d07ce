// The scheduler's HTTP commands: POST /scheduler/{eventId} (generate a schedule: 202 with a
// requestId, seed 000's response format) and PUT /scheduler/{eventId}/{scheduleId} (rename,
// publish or annotate a stored schedule, conditional on its version). Bodies are validated
// against the spec (lib/http); the request record and ScheduleRequested are written in one
// transaction, and the scheduler's consumer starts the round from that event.
import { validateGenerateScheduleCommand, validateUpdateScheduleCommand } from '../../generated';
import * as schedulerEvents from '../../generated/publishers/scheduler';
import { BadRequestError, ConflictError, createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import { newRequestId } from './keys';
import type { ScheduleOptions } from './schedule';
import { schedules as deployedSchedules, type Schedules } from './store';

export interface Deps {
  schedules: Schedules;
  now: () => number;
  requestId?: (now: number) => string;
}

/** Event ids are lowercase letters, digits and '-' (the spec's pattern), checked before anything is written. */
export const EVENT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function eventIdOf(pathParameters: Record<string, string | undefined>): string {
  const eventId = pathParameters['eventId'] ?? '';
  if (!EVENT_ID.test(eventId)) throw new BadRequestError(`eventId "${eventId}" must be 1-64 lowercase letters, digits or '-', starting with a letter or digit`, { code: 'INVALID_EVENT_ID' });
  return eventId;
}

export function makeApi({ schedules, now, requestId = newRequestId }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'scheduler',
    routes: {
      'POST /scheduler/{eventId}': route({
        body: validateGenerateScheduleCommand,
        handler: async ({ body, pathParameters }, { eventContext, logger }) => {
          const eventId = eventIdOf(pathParameters);
          const at = now();
          const id = requestId(at);
          const requestedAt = new Date(at).toISOString();
          const options: ScheduleOptions = {
            ...(body.maxAthletesPerHeat !== undefined ? { maxAthletesPerHeat: body.maxAthletesPerHeat } : {}),
            ...(body.transitionMinutes !== undefined ? { transitionMinutes: body.transitionMinutes } : {}),
          };
          const event = schedulerEvents.ScheduleRequested({ requestId: id, eventId, competitionMode: body.competitionMode, ...options, requestedAt }, { ...eventContext, occurredAt: requestedAt });
          await schedules.request({ requestId: id, eventId, requestedAt, options }, event);
          logger.info('schedule requested', { requestId: id, eventId });
          const status = `/scheduler/${eventId}/requests/${id}`;
          return {
            statusCode: 202,
            headers: { location: status },
            body: { requestId: id, status: 'PENDING', message: 'Schedule generation in progress. Use requestId to check status.', eventId, links: { status } },
          };
        },
      }),
      'PUT /scheduler/{eventId}/{scheduleId}': route({
        body: validateUpdateScheduleCommand,
        handler: async ({ body, pathParameters }) => {
          const eventId = eventIdOf(pathParameters);
          const scheduleId = pathParameters['scheduleId'] as string;
          const { version, ...changes } = body;
          const outcome = await schedules.update(eventId, scheduleId, version, changes, new Date(now()).toISOString());
          if (!outcome.ok && outcome.reason === 'NOT_FOUND') throw new NotFoundError(`event ${eventId} has no schedule ${scheduleId}`, { code: 'SCHEDULE_NOT_FOUND' });
          if (!outcome.ok) throw new ConflictError(`schedule ${scheduleId} is at version ${outcome.reason === 'VERSION_CONFLICT' ? outcome.current : '?'}, not ${version}: read it again`, { code: 'VERSION_CONFLICT' });
          return { body: outcome.schedule };
        },
      }),
    },
  });
}

export const handler = makeApi({ schedules: deployedSchedules, now: Date.now });
