/**
 * `npm run bench:saga` (scripts/bench-saga.ts): what a project gives the saga bench, and the
 * pure arithmetic the bench does on what it saw. No domain here: the project's flow module
 * (package.json `config.sagaBench`, default export a `SagaBenchFlow`) knows how its sagas
 * start; the bench knows lib/saga's state (status, step history with times) and the bus.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SagaState, StepRecord } from '../../lib/saga';

/** One event as it crossed a bus of the local cloud, stamped when the bus routed it. */
export interface BusEvent {
  at: number;
  detailType: string;
  eventId: string;
  /** `detail.metadata.aggregateId`: a saga's commands carry the saga id there (lib/saga). */
  aggregateId: string | undefined;
  data: Record<string, unknown>;
}

/** How a flow reaches the platform: the HTTP API with a valid token, the tables, and the buses. */
export interface SagaBenchContext {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  doc: DynamoDBDocumentClient;
  /** The deployed name of a table of the template, by the end of its name (`read-models`). */
  table(suffix: string): string;
  /** Resolves with the first `count` bus events that match (seen already or still to come); rejects after `timeoutMs`. */
  waitForEvents(match: (e: BusEvent) => boolean, count: number, timeoutMs: number): Promise<BusEvent[]>;
}

/** A saga whose start the flow prepared (what it needs to start it later). */
export type Prepared = Record<string, unknown>;

export interface SagaBenchFlow {
  /** The saga's name, for the report. */
  name: string;
  /** The end of the saga table's name (`sagas`): lib/saga's store, one item per saga with the state in `state`. */
  sagaTable: string;
  /** Detail-types of the saga's command events (forward and compensation). */
  commands: readonly string[];
  /**
   * The plain hop the step is compared with: an event, a consumer, the consumer's event through
   * the outbox. `key` relates the two events (undefined: not one of the hop's events).
   */
  hop: { from: string; to: string; what: string; key(e: BusEvent): string | undefined };
  /** Changes to the bench's own template (packaged for the bench stage); returns what it changed, for the report. */
  prepare?(template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }): string[];
  /** Makes everything saga `n` needs before it starts (e.g. an incident with its offers); its hop events happen here. */
  setup(context: SagaBenchContext, n: number): Promise<Prepared>;
  /** Starts the saga (e.g. accepts the offer): its id, or undefined when the platform refused. */
  start(context: SagaBenchContext, prepared: Prepared, n: number): Promise<string | undefined>;
}

export const TERMINAL_STATUSES = ['COMPLETED', 'COMPENSATED', 'FAILED'] as const;

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * Steps of one saga that ran more than once, from its state and the commands seen on the bus:
 * - a forward step recorded twice, or any (phase, step, attempt) recorded twice;
 * - a step that succeeded twice, or that compensated twice;
 * - a command on the bus whose eventId the step history does not know (sent by no recorded
 *   step: an extra command). Each record has one command id, so with the checks above this
 *   means one command per step and attempt.
 * The same command published twice (same eventId: the relay's at-least-once delivery, which
 * consumers drop by eventId) is not a double step; `republished` counts it. `unpublished`:
 * recorded steps whose command never reached the bus (the tail missed it, or the outbox lost it).
 */
export function doubleSteps(state: Pick<SagaState<unknown>, 'sagaId' | 'history'>, commands: readonly Pick<BusEvent, 'detailType' | 'eventId'>[]): { doubles: string[]; republished: number; unpublished: string[] } {
  const doubles: string[] = [];
  const seen = new Map<string, number>();
  const bump = (key: string): number => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
  for (const r of state.history) {
    if (bump(`${r.phase}/${r.step}/${r.attempt}`) === 2) doubles.push(`${r.phase} ${r.step} attempt ${r.attempt} recorded twice`);
    // A step sent again after a timeout (a step that cannot be undone is retried, not compensated) is not a double; running twice is.
    if (r.phase === 'forward' && r.status !== 'TIMED_OUT' && bump(`forward/${r.step}`) === 2) doubles.push(`forward step ${r.step} ran twice`);
    if (r.status === 'SUCCEEDED' && bump(`succeeded/${r.step}`) === 2) doubles.push(`step ${r.step} succeeded twice`);
    if (r.status === 'COMPENSATED' && bump(`compensated/${r.step}`) === 2) doubles.push(`step ${r.step} compensated twice`);
  }
  const recorded = new Map<string, StepRecord>(state.history.map((r) => [r.commandId, r]));
  const ids = new Map<string, string>();
  let republished = 0;
  for (const c of commands) {
    if (ids.has(c.eventId)) {
      republished += 1;
      continue;
    }
    ids.set(c.eventId, c.detailType);
    if (!recorded.has(c.eventId)) doubles.push(`${c.detailType} ${c.eventId} sent, but no step of the history sent it`);
  }
  const unpublished = state.history.filter((r) => !ids.has(r.commandId)).map((r) => `${r.phase} ${r.step} attempt ${r.attempt}`);
  return { doubles, republished, unpublished };
}

/** Per key, the time from the first `from` event to the first `to` event after it (ms). */
export function hopTimes(events: readonly BusEvent[], hop: Pick<SagaBenchFlow['hop'], 'from' | 'to' | 'key'>): Map<string, number> {
  const started = new Map<string, number>();
  const times = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const key = hop.key(e);
    if (key === undefined) continue;
    if (e.detailType === hop.from && !started.has(key)) started.set(key, e.at);
    else if (e.detailType === hop.to && !times.has(key)) {
      const from = started.get(key);
      if (from !== undefined) times.set(key, e.at - from);
    }
  }
  return times;
}

/** Durations (ms) of the finished steps of a history, by `phase step` (forward steps by name alone). */
export function stepDurations(history: readonly StepRecord[]): { step: string; ms: number }[] {
  return history.flatMap((r) => (r.endedAt ? [{ step: r.phase === 'forward' ? r.step : `undo ${r.step}`, ms: Date.parse(r.endedAt) - Date.parse(r.startedAt) }] : []));
}

/**
 * One saga's steps as seen on the bus, split into their two hops, from the step history's
 * command and reply eventIds and the time each was first on the bus (`firstAt`):
 * - participant: the command on the bus -> the participant's reply on the bus;
 * - orchestrator: that reply on the bus -> the next step's command on the bus (the saga
 *   applying the reply and sending on, through the outbox). Not for the last step (nothing
 *   follows) or a step that ended without a reply (timed out, abandoned);
 * - step: both, the command on the bus -> the next command on the bus.
 */
export function busHops(history: readonly StepRecord[], firstAt: ReadonlyMap<string, number>): { participant: number[]; orchestrator: number[]; step: number[] } {
  const participant: number[] = [];
  const orchestrator: number[] = [];
  const step: number[] = [];
  history.forEach((r, i) => {
    const sent = firstAt.get(r.commandId);
    const replied = r.reply ? firstAt.get(r.reply.eventId) : undefined;
    if (sent === undefined || replied === undefined) return;
    participant.push(replied - sent);
    const next = history[i + 1];
    const nextSent = next ? firstAt.get(next.commandId) : undefined;
    if (nextSent === undefined) return;
    orchestrator.push(nextSent - replied);
    step.push(nextSent - sent);
  });
  return { participant, orchestrator, step };
}
