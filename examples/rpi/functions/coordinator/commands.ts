// The coordinator's HTTP command: POST /rpi/{season}/calculations answers 202 with a
// calculationId after writing RpiCalculationRequested to the outbox; the consumer starts the
// saga from it (its sagaId is the calculationId).
import { randomUUID } from 'node:crypto';
import { validateRequestRpiCalculationCommand } from '../../generated';
import * as coordinatorEvents from '../../generated/publishers/coordinator';
import { clients } from '../../../../lib/clients';
import { writeWithOutbox } from '../../../../lib/event-store';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { seasonParam } from '../shared/season';
import { config } from './config';

export interface Deps {
  send: (event: OutgoingEvent) => Promise<void>;
  now: () => number;
  newId?: () => string;
}


export function makeApi({ send, now, newId = randomUUID }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'coordinator',
    routes: {
      'POST /rpi/{season}/calculations': route({
        body: validateRequestRpiCalculationCommand,
        handler: async ({ body, pathParameters }, { eventContext, logger }) => {
          const season = seasonParam(pathParameters);
          const calculationId = newId();
          const requestedAt = new Date(now()).toISOString();
          await send(coordinatorEvents.RpiCalculationRequested({ calculationId, season, requestedAt, ...(body.note ? { note: body.note } : {}) }, { ...eventContext, occurredAt: requestedAt }));
          logger.info('rpi calculation requested', { calculationId, season });
          const status = `/rpi/calculations/${calculationId}`;
          return { statusCode: 202, headers: { location: status }, body: { calculationId, season, status: 'PENDING', links: { status } } };
        },
      }),
    },
  });
}

export const handler = makeApi({
  send: async (event) => {
    await writeWithOutbox({ doc: clients.dynamoDbDocument(), outboxTable: config().outboxTable, events: [event] });
  },
  now: Date.now,
});
