// An outbox per service (seed 002 7.3): each service writes its events to its OWN outbox
// table, in the transaction of its state change; the service's relay publishes them
// (serverless.yml: one relay per outbox table). Helpers for the consumers' idempotent writes.
import type { CommitInput, ConsumerContext, OutboxWriter } from '../../../../lib/consumer';
import { clients } from '../../../../lib/clients';
import { AlreadyWrittenError, WriteConditionFailedError, writeWithOutbox } from '../../../../lib/event-store';
import { nameUuid } from '../../../../lib/ids';

/** The consumer's `outbox` option: writes go to this service's outbox table (read on first use). */
export function serviceOutbox(table: () => string): OutboxWriter {
  return async (input) => {
    const result = await writeWithOutbox({ ...input, doc: clients.dynamoDbDocument(), outboxTable: table() });
    return { eventIds: result.eventIds };
  };
}

/**
 * Commits state and events; 'already' when this exact write happened before (a redelivered
 * event: the outbox rows are keyed by deterministic event ids), so a handler runs once in effect.
 */
export async function commitOnce(ctx: Pick<ConsumerContext, 'commit'>, input: CommitInput): Promise<'written' | 'already'> {
  try {
    await ctx.commit(input);
    return 'written';
  } catch (error) {
    if (error instanceof AlreadyWrittenError) return 'already';
    throw error;
  }
}

/** A condition on one of the service's own items failed (not a duplicate of the whole write). */
export function conditionFailed(error: unknown): boolean {
  return error instanceof WriteConditionFailedError && !(error instanceof AlreadyWrittenError);
}

/** The id of an event caused by `cause`: the same cause gives the same id, so a retry cannot send it twice. */
function causedId(namespace: string, cause: { detail: { metadata: { eventId: string } } }, what: string): string {
  return nameUuid(namespace, cause.detail.metadata.eventId, what);
}

/** The context of an event caused by `cause` (its correlation and causation), with the id `causedId` gives it. */
export function causedContext(ctx: Pick<ConsumerContext, 'causedBy'>, namespace: string, cause: { detail: { metadata: { eventId: string } } }, what: string): ConsumerContext['causedBy'] & { eventId: string } {
  return { ...ctx.causedBy, eventId: causedId(namespace, cause, what) };
}
