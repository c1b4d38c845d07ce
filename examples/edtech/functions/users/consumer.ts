// The users service's consumer: its own LOCAL event only (seed 002 7.2). UserSignedUp ->
//   1. local side effects: the welcome message (stored for the mail sender), the audit line
//   2. the read model: the profile becomes ACTIVE
//   3. the INTEGRATION event user.created (the seed's schema) for the other services
// all in one transaction through the users outbox; a second delivery finds the welcome
// message written and changes nothing.
import { createUsersQueueConsumer, type UsersQueueHandlers } from '../../generated';
import * as usersEvents from '../../generated/publishers/users';
import type { ConsumerContext } from '../../../../lib/consumer';
import { profileKey } from './commands';
import { config } from './config';
import { causedContext, commitOnce, conditionFailed, serviceOutbox } from '../shared/outbox';

const NS = '9c1e7a3b-4d5f-4a6b-8c7d-1e2f3a4b5c6d';

export function welcomeMessage(name: string | undefined, role: string): string {
  const who = name ?? 'there';
  return role === 'TUTOR' ? `Welcome ${who}! Set your hours and subjects to start teaching.` : `Welcome ${who}! Find a tutor and book your first lesson.`;
}

export function makeHandlers({ table, now }: { table: () => string; now: () => number }): UsersQueueHandlers<ConsumerContext> {
  return {
    'user.signed-up': async (event, ctx) => {
      const d = event.detail.data;
      const at = new Date(now()).toISOString();
      try {
        const done = await commitOnce(ctx, {
          writes: [
            { Put: { TableName: table(), Item: { pk: `USER#${d.userId}`, sk: 'WELCOME', to: d.email, message: welcomeMessage(d.name, d.role), queuedAt: at }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: { TableName: table(), Key: profileKey(d.userId), UpdateExpression: 'SET #status = :active, activatedAt = :at', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':active': 'ACTIVE', ':at': at } } },
          ],
          events: [
            usersEvents.UserCreated(
              { userId: d.userId, email: d.email, role: d.role, ...(d.authMethod ? { authMethod: d.authMethod } : {}), timestamp: d.registeredAt },
              { ...causedContext(ctx, NS, event, 'user.created'), aggregateId: d.userId, sequence: 2 },
            ),
          ],
        });
        ctx.logger.info(done === 'written' ? 'user activated, user.created published' : 'user activated before', { userId: d.userId });
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        ctx.logger.info('welcome message written before: nothing to do', { userId: d.userId });
      }
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; events to the users outbox. */
export const handler = createUsersQueueConsumer(makeHandlers({ table: () => config().usersTable, now: Date.now }), { outbox: serviceOutbox(() => config().outboxTable) });
