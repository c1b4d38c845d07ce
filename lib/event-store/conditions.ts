import { AlreadyWrittenError, WriteConditionFailedError, type CancellationDetail } from './errors';
import type { FailedItem } from './transaction';

/**
 * When a transaction failed only because conditions on outbox rows or on the caller's
 * writes failed: AlreadyWrittenError if an event is already in the outbox (same eventId),
 * else WriteConditionFailedError naming the caller's writes. Undefined for anything else.
 */
export function conditionFailure(failed: readonly FailedItem[], reasons: CancellationDetail[], cause: Error): WriteConditionFailedError | undefined {
  if (!failed.length || !failed.every((f) => f.code === 'ConditionalCheckFailed' && (f.role.kind === 'outbox' || f.role.kind === 'write'))) return undefined;
  const existing = failed.flatMap((f) => (f.role.kind === 'outbox' ? [f.role.eventId] : []));
  const writes = failed.flatMap((f) => (f.role.kind === 'write' ? [f.role.index] : []));
  return existing.length ? new AlreadyWrittenError(writes, existing, reasons, { cause }) : new WriteConditionFailedError(writes, existing, reasons, { cause });
}
