// The lesson booking saga's runner as deployed: state in SagaTable with its commands'
// outbox rows in the same transaction (the booking outbox), step timers on EventBridge
// Scheduler (lib/timers) firing BookingStepTimedOut, and the saga KPIs as EMF metrics
// (SagaStarted / SagaCompleted / SagaCompensated / SagaFailed, SagaDuration, SagaStepLatency).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LessonBookingRequestedData } from '../../generated';
import { defineLessonBookingSaga, lessonBookingSagaTimeoutEvent } from '../../generated/sagas/booking';
import { clients } from '../../../../lib/clients';
import { createDynamoDbSagaStore, createSagaRunner, type SagaMetric, type SagaRunner, type SagaStore } from '../../../../lib/saga';
import { timersFromEnv, type Timers } from '../../../../lib/timers';
import { config } from './config';
import { lessonBooking, type BookingData } from './saga';

export type BookingRunner = SagaRunner<BookingData, LessonBookingRequestedData>;

const metrics = new Metrics({ serviceName: 'booking' });
/** Saga KPIs as EMF, one metric per line. */
export function emitSagaMetric(m: SagaMetric): void {
  const single = metrics.singleMetric();
  single.addDimensions(m.dimensions);
  single.addMetric(m.name, m.unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, m.value);
}

/** The runner over any store and timers (the deployed ones below; in-memory ones in tests). */
export function createBookingRunner(deps: { store: SagaStore; timers: Timers; stepTimeoutSeconds?: number; now?: () => number; metric?: (m: SagaMetric) => void }): BookingRunner {
  return createSagaRunner(defineLessonBookingSaga(lessonBooking, deps.stepTimeoutSeconds ? { stepTimeoutSeconds: deps.stepTimeoutSeconds } : {}), {
    store: deps.store,
    timers: deps.timers,
    timeoutEvent: lessonBookingSagaTimeoutEvent,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.metric ? { metric: deps.metric } : {}),
  });
}

let runner: BookingRunner | undefined;
/** The deployed runner, built on first use. */
export function bookingRunner(): BookingRunner {
  const { sagaTable, outboxTable, sagaStepTimeoutSeconds } = config();
  return (runner ??= createBookingRunner({
    store: createDynamoDbSagaStore({ doc: clients.dynamoDbDocument(), table: sagaTable, outboxTable }),
    timers: timersFromEnv(),
    metric: emitSagaMetric,
    ...(sagaStepTimeoutSeconds ? { stepTimeoutSeconds: sagaStepTimeoutSeconds } : {}),
  }));
}
