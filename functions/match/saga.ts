// The assignment saga's runner as deployed: state in the saga table (with its commands'
// outbox rows, one transaction), step timers through EventBridge Scheduler (lib/timers),
// SagaStepTimedOut as the timer event, ErrorOccurred when a compensation never answers,
// and the saga KPIs as EMF metrics.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OfferAcceptedData } from '../../generated';
import * as matchEvents from '../../generated/publishers/match';
import { assignmentSagaTimeoutEvent, defineAssignmentSaga } from '../../generated/sagas/match';
import { commandEventContext, createSagaRunner, type CommandContext, type DefinedSaga, type SagaMetric, type SagaRunner, type SagaState, type SagaStore } from '../../lib/saga';
import type { Timers } from '../../lib/timers';
import { assignment, type AssignmentData } from './assignment';
import { config } from './config';
import { sagaStore } from './saga-store';
import { stageTimers } from './timers';

export type AssignmentRunner = SagaRunner<AssignmentData, OfferAcceptedData>;

/** The assignment saga as lib/saga runs it: the spec's steps (generated) with the pure functions of assignment.ts. */
export function assignmentSaga(stepTimeoutSeconds?: number): DefinedSaga<AssignmentData, OfferAcceptedData> {
  return defineAssignmentSaga(assignment, stepTimeoutSeconds ? { stepTimeoutSeconds } : {});
}

/** A saga that FAILED (a compensation never answered) goes to the errors bus: a person has to look. */
export function sagaFailedEvent(state: SagaState<AssignmentData>, c: CommandContext): ReturnType<typeof matchEvents.ErrorOccurred> {
  return matchEvents.ErrorOccurred(
    {
      errorCode: 'SAGA_FAILED',
      errorMessage: `assignment saga ${state.sagaId} failed: ${state.reason ?? 'unknown reason'}; the vendor reservation or the payment hold may still be in place`,
      severity: 'CRITICAL',
      context: { service: 'match', function: 'assignment-saga', incidentId: state.data.incidentId },
      canRetry: false,
    },
    commandEventContext(c),
  );
}

const metrics = new Metrics({ serviceName: 'match' });

/** Saga KPIs as EMF, one metric per line (they come one at a time, from any handler). */
export function emitSagaMetric(m: SagaMetric): void {
  const single = metrics.singleMetric();
  single.addDimensions(m.dimensions);
  single.addMetric(m.name, m.unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, m.value);
}

/** The runner over any store and timers (the deployed ones below; in-memory ones in tests). */
export function createAssignmentRunner(deps: { store: SagaStore; timers: Timers; stepTimeoutSeconds?: number; now?: () => number; metric?: (m: SagaMetric) => void }): AssignmentRunner {
  return createSagaRunner(assignmentSaga(deps.stepTimeoutSeconds), {
    store: deps.store,
    timers: deps.timers,
    timeoutEvent: assignmentSagaTimeoutEvent,
    failureEvent: sagaFailedEvent,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.metric ? { metric: deps.metric } : {}),
  });
}

let runner: AssignmentRunner | undefined;
/** The deployed runner, built on first use (its step timeouts may come from the environment). */
export function assignmentRunner(): AssignmentRunner {
  const stepTimeoutSeconds = config().sagaStepTimeoutSeconds;
  return (runner ??= createAssignmentRunner({ store: sagaStore, timers: stageTimers, metric: emitSagaMetric, ...(stepTimeoutSeconds ? { stepTimeoutSeconds } : {}) }));
}
