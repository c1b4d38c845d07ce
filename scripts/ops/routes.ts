/**
 * The consumers of a bus as EventBridge routes to them: its rules (ListRules) and their
 * targets (ListTargetsByRule), matched against events with the local cloud's event-pattern
 * engine (local/event-pattern, EventBridge's semantics), so a dry run, a filtered replay and
 * a filtered redrive decide "who gets this event" the way the bus does.
 */
import { ListRulesCommand, ListTargetsByRuleCommand, type Target } from '@aws-sdk/client-eventbridge';
import { compilePattern } from '../../local/event-pattern';
import type { CompiledPattern } from '../../local/event-pattern';
import type { OpsTarget } from './target';

/** Prefix of the temporary rules and queues the ops commands create (and remove). */
export const OPS_PREFIX = 'ops-';

export interface ConsumerRule {
  name: string;
  arn: string;
  bus: string;
  pattern: CompiledPattern;
  patternText: string;
  targets: Target[];
}

/** The enabled pattern rules of a bus with their targets, without the ops commands' own temporary rules. */
export async function consumerRules(target: OpsTarget, bus: string): Promise<ConsumerRule[]> {
  const rules: ConsumerRule[] = [];
  let token: string | undefined;
  do {
    const page = await target.eventBridge.send(new ListRulesCommand({ EventBusName: bus, ...(token ? { NextToken: token } : {}) }));
    for (const r of page.Rules ?? []) {
      if (!r.Name || !r.Arn || !r.EventPattern || r.State === 'DISABLED' || r.Name.startsWith(OPS_PREFIX)) continue;
      const targets: Target[] = [];
      let targetToken: string | undefined;
      do {
        const t = await target.eventBridge.send(new ListTargetsByRuleCommand({ Rule: r.Name, EventBusName: bus, ...(targetToken ? { NextToken: targetToken } : {}) }));
        targets.push(...(t.Targets ?? []));
        targetToken = t.NextToken;
      } while (targetToken);
      rules.push({ name: r.Name, arn: r.Arn, bus, pattern: compilePattern(r.EventPattern), patternText: r.EventPattern, targets });
    }
    token = page.NextToken;
  } while (token);
  return rules;
}

/** The rules an event matches. */
export function routesOf(rules: readonly ConsumerRule[], event: unknown): ConsumerRule[] {
  return rules.filter((r) => r.pattern.matches(event));
}

/** `rule -> queue-name` for display: the last part of each target ARN. */
export function describeRoute(rule: ConsumerRule): string {
  return `${rule.name} -> ${rule.targets.map((t) => (t.Arn ?? '').split(/[:/]/).pop()).join(', ') || '(no target)'}`;
}
