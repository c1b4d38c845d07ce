// The rpiCalculation saga's runner as deployed: state in SagaTable (with its commands' outbox
// rows, one transaction), step timers through EventBridge Scheduler (lib/timers) putting
// RpiSagaStepTimedOut on the main bus, and the saga KPIs as EMF metrics. The spec has no
// errors bus: a saga that ends FAILED (a compensation never answered) is the SagaFailed metric.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RpiCalculationRequestedData } from '../../generated';
import { defineRpiCalculationSaga, rpiCalculationSagaTimeoutEvent } from '../../generated/sagas/coordinator';
import { clients } from '../../../../lib/clients';
import { createDynamoDbSagaStore, createSagaRunner, type SagaMetric, type SagaRunner, type SagaStore } from '../../../../lib/saga';
import { timersFromEnv, type Timers } from '../../../../lib/timers';
import { rpiCalculation, type CalculationData } from './calculation-saga';
import { config } from './config';

export type CalculationRunner = SagaRunner<CalculationData, RpiCalculationRequestedData>;

const metrics = new Metrics({ serviceName: 'coordinator' });
function emitSagaMetric(m: SagaMetric): void {
  const single = metrics.singleMetric();
  single.addDimensions(m.dimensions);
  single.addMetric(m.name, m.unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, m.value);
}

/** The runner over any store and timers (the deployed ones below; in-memory ones in tests). */
export function createCalculationRunner(deps: { store: SagaStore; timers: Timers; stepTimeoutSeconds?: number; now?: () => number; metric?: (m: SagaMetric) => void }): CalculationRunner {
  return createSagaRunner(defineRpiCalculationSaga(rpiCalculation, deps.stepTimeoutSeconds ? { stepTimeoutSeconds: deps.stepTimeoutSeconds } : {}), {
    store: deps.store,
    timers: deps.timers,
    timeoutEvent: rpiCalculationSagaTimeoutEvent,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.metric ? { metric: deps.metric } : {}),
  });
}

let store: SagaStore | undefined;
const get = (): SagaStore => (store ??= createDynamoDbSagaStore({ doc: clients.dynamoDbDocument(), table: config().sagaTable, outboxTable: config().outboxTable }));
export const sagaStore: SagaStore = { load: (id) => get().load(id), save: (state, events) => get().save(state, events) };

let runner: CalculationRunner | undefined;
/** The deployed runner, built on first use (its step timeouts may come from the environment). */
export function calculationRunner(): CalculationRunner {
  const stepTimeoutSeconds = config().sagaStepTimeoutSeconds;
  return (runner ??= createCalculationRunner({ store: sagaStore, timers: timersFromEnv(), metric: emitSagaMetric, ...(stepTimeoutSeconds ? { stepTimeoutSeconds } : {}) }));
}
