// The seams through which a handler's events leave, recorded instead of sent: the consumer
// context's `commit` (outbox) and `publishDirect` (bus), timers (a due timer puts its event on
// the bus), and any store of the user's own that calls `record`. A context factory builds a
// real ConsumerContext over them, with a logger whose lines are kept (an example a handler
// ignores "with a log" shows the log in the contract report).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { BusPublisher, PublishedEvent } from '../bus';
import type { ConsumerContext, OutboxWriter } from '../consumer';
import { causedBy, readMetadata, type EventBridgeEvent, type OutgoingEvent } from '../envelope';
import type { ScheduleTimer, Timers } from '../timers';

/** An event a handler caused, as it would reach the bus. `via` says which seam it left by. */
export interface SentEvent {
  source: string;
  detailType: string;
  /** Spec key of the bus, when the seam knows it (outbox rows, built events and timers do). */
  bus?: string;
  detail: unknown;
  via?: string;
}

/** One log line a handler wrote. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error' | 'critical';
  message: string;
}

export interface EmitRecorder {
  /** Every event recorded so far, in order. */
  readonly sent: readonly SentEvent[];
  /** Log lines of the contexts built by `context` (cleared by `takeLogs`). */
  readonly logs: readonly LogLine[];
  /** For a store of your own: call it where the store writes its outbox rows. */
  record(events: OutgoingEvent | SentEvent | readonly (OutgoingEvent | SentEvent)[], via?: string): void;
  /** What `ctx.commit` calls: records the events (the state writes are not applied). */
  readonly outbox: OutboxWriter;
  /** A bus publisher that records instead of calling PutEvents. */
  readonly publisher: BusPublisher;
  /** Timers that record each scheduled event as sent (once per timer id, as the Scheduler keeps the first). */
  readonly timers: Timers & { readonly pending: ReadonlyMap<string, ScheduleTimer> };
  /** A ConsumerContext for `event`, whose commit, publishDirect and logger are the recorder's. */
  context(event: EventBridgeEvent, overrides?: Partial<ConsumerContext>): ConsumerContext;
  /** The log lines since the last call. */
  takeLogs(): LogLine[];
}

const LAMBDA_CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'contract-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:contract-test',
  memoryLimitInMB: '256',
  awsRequestId: 'contract-test-request',
  logGroupName: '/aws/lambda/contract-test',
  logStreamName: 'contract-test',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const LEVELS = ['debug', 'info', 'warn', 'error', 'critical'] as const;

/** A Powertools Logger that keeps its lines instead of writing them. */
function recordingLogger(lines: LogLine[], serviceName: string): Logger {
  const logger = new Logger({ serviceName, logLevel: 'SILENT' });
  for (const level of LEVELS) {
    const original = logger[level].bind(logger);
    logger[level] = ((input: unknown, ...extra: unknown[]) => {
      lines.push({ level, message: typeof input === 'string' ? input : JSON.stringify(input) });
      (original as (...args: unknown[]) => void)(input, ...extra);
    }) as Logger[typeof level];
  }
  return logger;
}

function asSent(event: OutgoingEvent | SentEvent, via: string): SentEvent {
  return { source: event.source, detailType: event.detailType, ...(event.bus ? { bus: event.bus } : {}), detail: event.detail, via: (event as SentEvent).via ?? via };
}

/** A recorder of everything a handler sends; one per contract (its state is the test's fakes' state). */
export function createEmitRecorder(options: { service?: string; queue?: string } = {}): EmitRecorder {
  const sent: SentEvent[] = [];
  const lines: LogLine[] = [];
  const pending = new Map<string, ScheduleTimer>();
  const record: EmitRecorder['record'] = (events, via = 'store') => {
    for (const e of Array.isArray(events) ? (events as readonly (OutgoingEvent | SentEvent)[]) : [events as OutgoingEvent | SentEvent]) sent.push(asSent(e, via));
  };
  const outbox: OutboxWriter = async ({ events }) => {
    record(events, 'commit');
    return { eventIds: events.map((e) => readMetadata(e.detail).eventId ?? '') };
  };
  const publisher: BusPublisher = {
    async publish(events) {
      const list: readonly OutgoingEvent[] = Array.isArray(events) ? events : [events as OutgoingEvent];
      record(list, 'publishDirect');
      return list.map((e, index): PublishedEvent => {
        const envelopeEventId = readMetadata(e.detail).eventId;
        return { index, source: e.source, detailType: e.detailType, bus: e.bus, ...(envelopeEventId ? { envelopeEventId } : {}), eventId: `recorded-${sent.length}-${index}` };
      });
    },
  };
  const timers: EmitRecorder['timers'] = {
    pending,
    async schedule(timer) {
      const created = !pending.has(timer.id);
      if (created) {
        pending.set(timer.id, timer);
        record({ source: timer.event.source, detailType: timer.event.detailType, ...(timer.event.bus ? { bus: timer.event.bus } : {}), detail: timer.event.detail }, 'timer');
      }
      const at = timer.at ?? Date.now() + (timer.afterSeconds ?? 0) * 1000;
      return { name: timer.id, dueAt: new Date(at), created };
    },
    async cancel(id) {
      return pending.delete(id);
    },
  };
  const service = options.service ?? 'contract-test';
  return {
    sent,
    logs: lines,
    record,
    outbox,
    publisher,
    timers,
    context(event, overrides = {}) {
      const detail = event.detail as { metadata?: { eventId?: unknown; correlationId?: unknown } } | undefined;
      const metadata = { eventId: String(detail?.metadata?.eventId ?? event.id), correlationId: String(detail?.metadata?.correlationId ?? event.id) };
      const causation = causedBy({ detail: { metadata } });
      return {
        logger: recordingLogger(lines, service),
        metrics: new Metrics({ namespace: 'contract-test', serviceName: service }),
        lambdaContext: LAMBDA_CONTEXT,
        queue: options.queue ?? 'contract-test-queue',
        messageId: `contract-${metadata.eventId}`,
        attempt: 1,
        causedBy: causation,
        commit: (input) => outbox(input),
        async publishDirect(build, data, emitOptions) {
          const [published] = await publisher.publish(build(data, { ...emitOptions, ...causation }));
          return published as PublishedEvent;
        },
        ...overrides,
      };
    },
    takeLogs() {
      return lines.splice(0, lines.length);
    },
  };
}
