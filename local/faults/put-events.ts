import type { ProtocolResponse } from '../eventbridge/protocol';
import type { FaultInjector } from './injector';

/**
 * PutEvents under fault injection, as AWS fails it: the whole call (500 InternalException),
 * throttled (400 ThrottlingException), or some entries refused in a 200 answer
 * (`FailedEntryCount` and each refused entry's `ErrorCode`), the others put as usual.
 */
export function putEventsWithFaults(faults: FaultInjector, body: unknown, caller: string | undefined, put: (body: unknown) => ProtocolResponse): ProtocolResponse {
  const fault = faults.decide({ service: 'events', operation: 'PutEvents', ...(caller ? { function: caller } : {}) });
  if (!fault) return put(body);
  if (fault.rule.kind === 'error') return { status: 500, body: { __type: fault.rule.code ?? 'InternalException', message: 'Injected fault: PutEvents failed.' } };
  if (fault.rule.kind === 'throttle') return { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded (injected fault).' } };
  const entries = (body as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries) || !entries.length) return put(body);
  // Refuse about half the entries, at least one: a partial failure the caller must retry.
  const refused = entries.map((_, i) => i === 0 || faults.chance(0.5));
  const kept = entries.filter((_, i) => !refused[i]);
  const out = kept.length ? put({ ...(body as object), Entries: kept }) : { status: 200, body: { FailedEntryCount: 0, Entries: [] } };
  if (out.status !== 200) return out;
  const results = [...((out.body as { Entries?: unknown[] }).Entries ?? [])];
  const code = fault.rule.code ?? 'InternalFailure';
  const merged = entries.map((_, i) => (refused[i] ? { ErrorCode: code, ErrorMessage: `Injected fault: entry refused with ${code}.` } : results.shift()));
  return { status: 200, body: { FailedEntryCount: merged.filter((e) => typeof e === 'object' && e !== null && 'ErrorCode' in e).length, Entries: merged } };
}

/**
 * The function behind an SDK call, from the `app/<name>` its user agent carries
 * (AWS_SDK_UA_APP_ID). Powertools appends its own mark to that app id on the clients it
 * instruments (`<name>-PT-NO-OP-2.35.0-PTEnv-AWS_Lambda_nodejs22.x`): it is cut off, or no
 * function-scoped fault would ever match a Powertools-instrumented call.
 */
export function callerFunction(headers: Record<string, string | string[] | undefined>): string | undefined {
  const agent = [headers['x-amz-user-agent'], headers['user-agent']].flat().filter(Boolean).join(' ');
  return /(?:^|\s)app\/([^\s]+)/.exec(agent)?.[1]?.replace(/-PT-.*$/, '');
}

/**
 * An EventBridge API call under fault injection: PutEvents may fail (above), and the function
 * that made it may die right after it returned (`crash-after-publish`: the outbox relay
 * killed between publishing and marking what it sent). Other calls run as they are.
 */
export function eventBridgeWithFaults(faults: FaultInjector, target: string, body: unknown, headers: Record<string, string | string[] | undefined>, run: (body: unknown) => ProtocolResponse, crash: (functionName: string) => void): ProtocolResponse {
  if (target !== 'AWSEvents.PutEvents' || !faults.active) return run(body);
  const caller = callerFunction(headers);
  const out = putEventsWithFaults(faults, body, caller, run);
  // Whether the caller's invocation dies now was decided when it started (the runner arms it).
  if (out.status === 200 && caller) setImmediate(() => crash(caller));
  return out;
}
