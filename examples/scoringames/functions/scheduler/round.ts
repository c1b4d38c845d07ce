// The schedule round of a request (seed 000's scatter-gather on lib/gather): the scheduler
// asks the events, athletes, categories and wods domains at once (x-gathers.schedule,
// generated/gathers/scheduler.ts). When all four answered, or at the deadline, the round
// ends once: COMPLETE or PARTIAL (categories missing: heats fall back to the athletes'
// category ids) stores the schedule (schedule.ts) and publishes ScheduleGenerated; FAILED
// (a required domain errored or stayed silent) publishes ScheduleGenerationFailed naming it.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AthletesDataResponseData, CategoriesDataResponseData, EventDataResponseData, WodsDataResponseData } from '../../generated';
import { defineScheduleGather, scheduleGatherDeadlineEvent } from '../../generated/gathers/scheduler';
import * as schedulerEvents from '../../generated/publishers/scheduler';
import { createGatherRunner, gatherEventId, type DefinedGather, type GatherMetric, type GatherResult, type GatherRunner, type GatherState, type GatherStore } from '../../../../lib/gather';
import type { Timers } from '../../../../lib/timers';
import { config } from './config';
import { scheduleIdOf } from './keys';
import { failureReason, gatherStore, missingOf, type RoundInput } from './rounds';
import { generateSchedule } from './schedule';
import { scheduleItem } from './store';
import { stageTimers } from './timers';

export type ScheduleRunner = GatherRunner<RoundInput>;

/** The round as the spec declares it, with its requests' data. */
export function scheduleGather(deadlineSeconds?: number): DefinedGather<RoundInput> {
  const request = (input: RoundInput, c: { requestId: string; deadline: string }): { requestId: string; eventId: string; respondBy: string } => ({ requestId: c.requestId, eventId: input.eventId, respondBy: c.deadline });
  return defineScheduleGather<RoundInput>({ event: request, athletes: request, categories: request, wods: request }, deadlineSeconds ? { deadlineSeconds } : {});
}

/** The data of a responder's answer when it is a response (not an error, not silence). */
function responseOf<D>(state: GatherState<RoundInput>, responder: string): D | undefined {
  const answer = state.answers[responder];
  return answer?.kind === 'response' ? (answer.data as D) : undefined;
}

/** What an ended round stores and publishes: its schedule and ScheduleGenerated, or ScheduleGenerationFailed. */
export function roundResult(state: GatherState<RoundInput>, table: string, now: Date): GatherResult {
  const last = Object.values(state.answers).sort((a, b) => a.at.localeCompare(b.at)).at(-1);
  const context = { correlationId: state.correlationId, causationId: last?.eventId ?? state.requestId, occurredAt: now };
  const { eventId } = state.input;
  const event = responseOf<EventDataResponseData>(state, 'event');
  const athletes = responseOf<AthletesDataResponseData>(state, 'athletes');
  const wods = responseOf<WodsDataResponseData>(state, 'wods');
  if (state.status === 'FAILED' || !event || !athletes || !wods) {
    const failed = schedulerEvents.ScheduleGenerationFailed({ requestId: state.requestId, eventId, reason: failureReason(state), failedAt: now.toISOString() }, { ...context, eventId: gatherEventId('schedule', state.requestId, 'ScheduleGenerationFailed') });
    return { writes: [], events: [failed] };
  }
  const categories = responseOf<CategoriesDataResponseData>(state, 'categories')?.categories;
  const schedule = generateSchedule({ event: event.event, days: event.days, athletes: athletes.athletes, wods: wods.wods, options: state.input.options, ...(categories ? { categories } : {}) });
  const scheduleId = scheduleIdOf(state.requestId);
  const status = state.status === 'COMPLETE' ? 'COMPLETE' : 'PARTIAL';
  const missing = missingOf(state);
  const generatedAt = now.toISOString();
  const item = scheduleItem({ scheduleId, eventId, requestId: state.requestId, status, missing, generatedAt, event: event.event, days: event.days, schedule });
  const generated = schedulerEvents.ScheduleGenerated(
    { requestId: state.requestId, eventId, scheduleId, status, heats: schedule.heats.length, unscheduledHeats: schedule.unscheduled.length, missing, generatedAt },
    { ...context, eventId: gatherEventId('schedule', state.requestId, 'ScheduleGenerated') },
  );
  return { writes: [{ Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }], events: [generated] };
}

const metrics = new Metrics({ serviceName: 'scheduler' });

/** Round KPIs as EMF, one metric per line. */
export function emitGatherMetric(m: GatherMetric): void {
  const single = metrics.singleMetric();
  single.addDimensions(m.dimensions);
  single.addMetric(m.name, m.unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, m.value);
}

/** The runner over any store and timers (the deployed ones below; in-memory ones in tests). */
export function createScheduleRunner(deps: { store: GatherStore; timers: Timers; table: () => string; deadlineSeconds?: number; now?: () => number; metric?: (m: GatherMetric) => void }): ScheduleRunner {
  const now = deps.now ?? Date.now;
  return createGatherRunner(scheduleGather(deps.deadlineSeconds), {
    store: deps.store,
    timers: deps.timers,
    now,
    deadlineEvent: scheduleGatherDeadlineEvent,
    result: (state) => roundResult(state, deps.table(), new Date(now())),
    ...(deps.metric ? { metric: deps.metric } : {}),
  });
}

let runner: ScheduleRunner | undefined;
/** The deployed runner, built on first use. */
export function scheduleRunner(): ScheduleRunner {
  return (runner ??= createScheduleRunner({
    store: gatherStore(),
    timers: stageTimers,
    table: () => config().schedulesTable,
    ...(config().deadlineSeconds ? { deadlineSeconds: config().deadlineSeconds as number } : {}),
    metric: emitGatherMetric,
  }));
}
