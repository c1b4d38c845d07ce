import type { QueueModel, SpecModel } from '../model';
import type { JsonSchemaObject } from '../schemas';
import { pascalCase } from '../naming';

/** AWS limits the rule plan stays inside (EventBridge quotas, default values). */
export const EVENTBRIDGE_LIMITS = {
  /** Maximum characters of an event pattern. */
  patternChars: 2048,
  /** Rules per event bus (adjustable quota; the default is what a new account gets). */
  rulesPerBus: 300,
  /** Targets per rule. */
  targetsPerRule: 5,
} as const;

export type EventPattern = Record<string, unknown>;

/** One EventBridge rule: delivers some of a queue's events from one bus to that queue. */
export interface RulePlan {
  /** CloudFormation logical id, e.g. MatchQueueCoreRule (a suffix 2, 3... when a pattern had to be split). */
  logicalId: string;
  queue: string;
  service: string;
  bus: string;
  pattern: EventPattern;
  /** Message names this rule delivers; each (queue, message) pair is in exactly one rule. */
  messages: string[];
}

export class RulePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulePlanError';
  }
}

interface Clause {
  source: string;
  /** Messages of the clause with their detail-types (two messages may share one). */
  entries: { message: string; detailType: string }[];
  filter?: JsonSchemaObject;
}

const detailTypesOf = (c: Clause): string[] => [...new Set(c.entries.map((e) => e.detailType))];
const messagesOf = (c: Clause): string[] => c.entries.map((e) => e.message);

/** Deep-merges a content filter into the source/detail-type clause (the filter may not override either). */
function clausePattern(c: Clause): EventPattern {
  const base: EventPattern = { source: [c.source], 'detail-type': detailTypesOf(c) };
  if (!c.filter) return base;
  for (const key of Object.keys(c.filter)) {
    if (key === 'source' || key === 'detail-type') throw new RulePlanError(`x-eventbridge-filter of ${messagesOf(c).join(', ')} may not set "${key}": the rule derives it from the spec`);
  }
  return { ...base, ...(c.filter as EventPattern) };
}

function patternOf(clauses: Clause[]): EventPattern {
  const parts = clauses.map(clausePattern);
  return parts.length === 1 ? (parts[0] as EventPattern) : { $or: parts };
}

const size = (p: EventPattern): number => JSON.stringify(p).length;

/**
 * Clauses for one queue and bus: unfiltered messages grouped by source (one clause per
 * source lists its detail-types), and one clause per filtered message. `$or` keeps the
 * source/detail-type pairs exact, so a detail-type shared by two sources is never routed
 * from the wrong one.
 */
function clausesFor(model: SpecModel, queue: QueueModel, bus: string): Clause[] {
  const bySource = new Map<string, Clause>();
  const filtered: Clause[] = [];
  for (const entry of queue.messages) {
    const message = model.messages.find((m) => m.name === entry.message);
    const eb = message?.eventbridge;
    if (!eb || eb.bus !== bus) continue;
    const item = { message: entry.message, detailType: eb.detailType };
    if (entry.filter) {
      filtered.push({ source: eb.source, entries: [item], filter: entry.filter });
      continue;
    }
    const clause = bySource.get(eb.source) ?? { source: eb.source, entries: [] };
    clause.entries.push(item);
    bySource.set(eb.source, clause);
  }
  return [...bySource.values(), ...filtered];
}

/** Splits a clause whose detail-type list alone is too long into smaller ones. */
function splitClause(c: Clause): Clause[] {
  const types = detailTypesOf(c);
  if (size(clausePattern(c)) <= EVENTBRIDGE_LIMITS.patternChars || types.length <= 1) return [c];
  const first = new Set(types.slice(0, Math.ceil(types.length / 2)));
  return [
    ...splitClause({ ...c, entries: c.entries.filter((e) => first.has(e.detailType)) }),
    ...splitClause({ ...c, entries: c.entries.filter((e) => !first.has(e.detailType)) }),
  ];
}

/** Packs clauses into as few patterns as fit the size limit, in order. */
function pack(clauses: Clause[], where: string): Clause[][] {
  const groups: Clause[][] = [];
  let current: Clause[] = [];
  for (const clause of clauses.flatMap(splitClause)) {
    if (size(clausePattern(clause)) > EVENTBRIDGE_LIMITS.patternChars) {
      throw new RulePlanError(`${where}: the pattern for ${messagesOf(clause).join(', ')} alone is ${size(clausePattern(clause))} characters, over EventBridge's ${EVENTBRIDGE_LIMITS.patternChars}; shorten its x-eventbridge-filter`);
    }
    if (current.length && size(patternOf([...current, clause])) > EVENTBRIDGE_LIMITS.patternChars) {
      groups.push(current);
      current = [];
    }
    current.push(clause);
  }
  if (current.length) groups.push(current);
  return groups;
}

/**
 * The routing table: for every consumer queue and every bus its events come from, the
 * rules that deliver exactly the queue's receive operations (source + detail-type, plus
 * each operation's content filter). Throws when the plan would break an AWS limit.
 */
export function planRules(model: SpecModel): RulePlan[] {
  const rules: RulePlan[] = [];
  for (const queue of model.queues) {
    for (const bus of model.buses) {
      const clauses = clausesFor(model, queue, bus.key);
      if (!clauses.length) continue;
      const groups = pack(clauses, `queue ${queue.name} on bus ${bus.key}`);
      groups.forEach((group, i) => {
        rules.push({
          logicalId: `${pascalCase(queue.name)}${pascalCase(bus.key)}Rule${i === 0 ? '' : i + 1}`,
          queue: queue.name,
          service: queue.service,
          bus: bus.key,
          pattern: patternOf(group),
          messages: group.flatMap(messagesOf),
        });
      });
    }
  }
  for (const bus of model.buses) {
    const count = rules.filter((r) => r.bus === bus.key).length;
    if (count > EVENTBRIDGE_LIMITS.rulesPerBus) throw new RulePlanError(`bus ${bus.key} would need ${count} rules, over EventBridge's default quota of ${EVENTBRIDGE_LIMITS.rulesPerBus} per bus`);
  }
  return rules;
}
