// POST /users: registers a user. The profile, the email's uniqueness item and the LOCAL
// event UserSignedUp are one transaction in the users service's outbox; the users
// consumer then does the local side effects and publishes the integration event user.created.
import { randomUUID } from 'node:crypto';
import { validateRegisterUserCommand } from '../../generated';
import * as usersEvents from '../../generated/publishers/users';
import { clients } from '../../../../lib/clients';
import { WriteConditionFailedError, writeWithOutbox } from '../../../../lib/event-store';
import { ConflictError, createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { config } from './config';

export const profileKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
export const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });

export interface Deps {
  table: () => string;
  outboxTable: () => string;
  now: () => number;
  newUserId?: () => string;
}

export function makeApi({ table, outboxTable, now, newUserId = () => `usr-${randomUUID()}` }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'users',
    routes: {
      'POST /users': route({
        body: validateRegisterUserCommand,
        handler: async ({ body }, { eventContext, logger }) => {
          const email = body.email.trim().toLowerCase();
          const userId = newUserId();
          const registeredAt = new Date(now()).toISOString();
          const profile = { userId, email, role: body.role, ...(body.authMethod ? { authMethod: body.authMethod } : {}), ...(body.name ? { name: body.name } : {}), status: 'PENDING', registeredAt };
          const event = usersEvents.UserSignedUp({ userId, email, role: body.role, ...(body.authMethod ? { authMethod: body.authMethod } : {}), ...(body.name ? { name: body.name } : {}), registeredAt }, { ...eventContext, aggregateId: userId, sequence: 1, occurredAt: registeredAt });
          try {
            await writeWithOutbox({
              doc: clients.dynamoDbDocument(),
              outboxTable: outboxTable(),
              writes: [
                { Put: { TableName: table(), Item: { ...emailKey(email), userId }, ConditionExpression: 'attribute_not_exists(pk)' } },
                { Put: { TableName: table(), Item: { ...profileKey(userId), ...profile }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ],
              events: [event],
            });
          } catch (error) {
            if (error instanceof WriteConditionFailedError) throw new ConflictError(`a user with email ${email} is registered already`, { code: 'EMAIL_TAKEN' });
            throw error;
          }
          logger.info('user registered', { userId, role: body.role });
          return { statusCode: 201, body: { userId, email, role: body.role, status: 'PENDING' } };
        },
      }),
    },
  });
}

export const handler = makeApi({ table: () => config().usersTable, outboxTable: () => config().outboxTable, now: Date.now });
