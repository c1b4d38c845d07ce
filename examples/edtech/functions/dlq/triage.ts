// The DLQ processor's decision (seed 002 7.6 DeadLetterProcessor), pure: may a dead message
// go back to its queue (reprocess), or does a person have to look (manual handling)?
//   - unreadable, not an event, or an event its queue does not take      -> manual
//   - an event that breaks its registered schema (it will fail again)    -> manual
//   - reprocessed `maxReprocess` times already and dead again            -> manual
//   - otherwise (a handler failed on a valid event: a transient error)   -> reprocess
import type { Route } from '../../../../lib/envelope';

/** The message attribute that counts how often the processor sent a message back. */
export const REPROCESS_ATTRIBUTE = 'dlqReprocessCount';

export type Triage = { action: 'reprocess'; detailType: string; reprocessCount: number } | { action: 'manual'; code: 'UNREADABLE' | 'NOT_AN_EVENT' | 'NOT_FOR_THIS_QUEUE' | 'SCHEMA_INVALID' | 'REPROCESS_LIMIT'; reason: string; detailType?: string };

export function triage(body: string, reprocessCount: number, routes: Readonly<Record<string, Route>>, maxReprocess: number): Triage {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return { action: 'manual', code: 'UNREADABLE', reason: 'the body is not JSON' };
  }
  const e = event as { 'detail-type'?: unknown; source?: unknown; detail?: unknown };
  if (typeof e !== 'object' || e === null || typeof e['detail-type'] !== 'string' || typeof e.source !== 'string' || typeof e.detail !== 'object') {
    return { action: 'manual', code: 'NOT_AN_EVENT', reason: 'the body is not an EventBridge event (detail-type, source, detail)' };
  }
  const detailType = e['detail-type'];
  const route = routes[detailType];
  if (!route || !route.sources.includes(e.source)) return { action: 'manual', code: 'NOT_FOR_THIS_QUEUE', reason: `this queue takes no ${detailType} from ${e.source}`, detailType };
  if (!route.validate(e.detail)) {
    const issues = (route.validate.errors ?? []).map((i) => `${i.instancePath || '/'} ${i.message ?? i.keyword}`).join('; ');
    return { action: 'manual', code: 'SCHEMA_INVALID', reason: `${detailType} breaks its schema: ${issues}`, detailType };
  }
  if (reprocessCount >= maxReprocess) return { action: 'manual', code: 'REPROCESS_LIMIT', reason: `dead again after ${reprocessCount} reprocessing(s)`, detailType };
  return { action: 'reprocess', detailType, reprocessCount: reprocessCount + 1 };
}

/** The queue a dead-letter queue belongs to: `<service>-<stage>-<name>-dlq` -> `...-<name>-queue` (the spec's naming). */
export function sourceQueueUrl(dlqUrl: string): string {
  if (!dlqUrl.endsWith('-dlq')) throw new Error(`${dlqUrl} is not a dead-letter queue (its name ends with -dlq)`);
  return `${dlqUrl.slice(0, -'-dlq'.length)}-queue`;
}
