/**
 * Delivery of one event to one rule target, as EventBridge does it: retried with backoff until
 * the target's retry policy (attempts or event age) is spent, then sent to the target's
 * dead-letter queue with the attributes AWS sets, or dropped. A failure that no retry can cure
 * (the user guide, "Using dead-letter queues": a target that no longer exists, missing
 * permissions; locally also an input the target cannot take) is not retried: it goes to the
 * dead-letter queue at once. The deliverer marks those errors with `retryable: false`.
 */
import { backoffDelay } from '../../lib/backoff';
import { targetPayload } from './input';
import type { DeadLetter, Deliver, EventBridgeEvent, Rule, Target } from './types';

export interface DeliveryDeps {
  deliver: Deliver;
  deadLetter: DeadLetter;
  /** Base delay of retries in ms; default 200. */
  retryBaseMs: number | undefined;
  now: () => number;
  /** Reports `delivered`, `delivery-failed` and `delivery-lost`. */
  emit: (event: 'delivered' | 'delivery-failed' | 'delivery-lost', payload: Record<string, string>) => void;
}

/**
 * Delivers until the target accepts or its retry policy is spent; never rejects. What the
 * target receives is the event, or its Input / InputPath / InputTransformer (`input.ts`);
 * `ingestedAt` (ms) is when the bus received the event.
 */
export async function deliverWithRetry(deps: DeliveryDeps, rule: Rule, target: Target, event: EventBridgeEvent, ingestedAt: number): Promise<void> {
  const payload = targetPayload(target, event, { ruleName: rule.name, ruleArn: rule.arn, ingestionTime: new Date(ingestedAt).toISOString() });
  const started = deps.now();
  const base = deps.retryBaseMs ?? 200;
  let attempt = 0;
  for (;;) {
    try {
      await deps.deliver(target, payload, { rule, event });
      deps.emit('delivered', { rule: rule.name, target: target.arn, eventId: event.id });
      return;
    } catch (error) {
      attempt += 1;
      const tooOld = (deps.now() - started) / 1000 >= target.maximumEventAgeSeconds;
      const permanent = (error as { retryable?: unknown } | null)?.retryable === false;
      if (permanent || attempt > target.maximumRetryAttempts || tooOld) {
        const message = error instanceof Error ? error.message : String(error);
        deps.emit('delivery-failed', { rule: rule.name, target: target.arn, eventId: event.id, error: message });
        if (target.deadLetterArn) {
          await deps
            .deadLetter(target.deadLetterArn, payload, {
              RULE_ARN: rule.arn,
              TARGET_ARN: target.arn,
              ERROR_CODE: (error as { code?: string }).code ?? 'DeliveryFailed',
              ERROR_MESSAGE: message.slice(0, 256),
              EXHAUSTED_RETRY_CONDITION: tooOld ? 'MaximumEventAgeInSeconds' : 'MaximumRetryAttempts',
              RETRY_ATTEMPTS: String(attempt - 1),
            })
            .catch((dlqError: unknown) => deps.emit('delivery-lost', { rule: rule.name, target: target.arn, eventId: event.id, error: String(dlqError) }));
        }
        return;
      }
      // Equal jitter: never an immediate retry, and targets failing together spread out. Capped at 30 s locally.
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseMs: base, maxMs: 30_000, jitter: 'equal' })).unref());
    }
  }
}
