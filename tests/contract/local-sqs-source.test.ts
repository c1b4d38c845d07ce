import { SqsEventSource } from '../../local/lambda/sqs-source';
import { ManualClock, SqsBackend } from '../../local/sqs';
import { until } from '../helpers/local-cloud';

// Regression (issue 12, found by the 1,000-incident chaos run): an injected duplicate
// delivery makes a processed message visible again with ChangeMessageVisibility(0). When the
// batch ran past the queue's visibility timeout, the message is no longer in flight (SQS
// answers MessageNotInflight), or another consumer has received it since (its receipt handle
// is stale). Either error threw out of the polling loop: that poller stopped for good, and
// the queue was never drained again. The message comes back anyway in both cases, so the
// source must carry on.
//
// One poller, so a dead loop shows: nothing else would consume what is sent next. The clock
// is the SQS backend's manual clock, moved past the visibility timeout inside the invocation.

const VISIBILITY_S = 30;

interface Harness {
  sqs: SqsBackend;
  queue: string;
  clock: ManualClock;
  bodies: string[];
  errors: string[];
  source: SqsEventSource;
  left(): number;
}

function harness(duringFirstInvoke: (h: Harness) => void): Harness {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const sqs = new SqsBackend({ clock });
  const queue = sqs.createQueue('slow', { VisibilityTimeout: String(VISIBILITY_S) });
  let duplicates = 1;
  const h: Harness = {
    sqs,
    queue: queue.name,
    clock,
    bodies: [],
    errors: [],
    left: () => {
      const a = sqs.getQueueAttributes(queue.name, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']);
      return Number(a['ApproximateNumberOfMessages']) + Number(a['ApproximateNumberOfMessagesNotVisible']);
    },
    source: new SqsEventSource({
      backend: sqs,
      queueArn: queue.arn,
      region: 'us-east-1',
      batchSize: 10,
      windowSeconds: 0,
      reportBatchItemFailures: true,
      pollers: 1,
      // The first processed message is an injected duplicate; later ones are deleted.
      duplicate: () => duplicates-- > 0,
      invoke: async (event) => {
        const bodies = (event as { Records: { body: string }[] }).Records.map((r) => r.body);
        if (h.bodies.length === 0) duringFirstInvoke(h);
        h.bodies.push(...bodies);
        return { ok: true, result: { batchItemFailures: [] } };
      },
      onBatch: (info) => void (info.error ? h.errors.push(info.error) : undefined),
    }),
  };
  return h;
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(() => void process.off('unhandledRejection', onRejection));

describe('SQS event source: an injected duplicate after the visibility timeout', () => {
  it('keeps polling when the processed message is visible again (MessageNotInflight)', async () => {
    // The invocation outlives the visibility timeout: the message is visible again when it ends.
    const h = harness((x) => x.clock.advance((VISIBILITY_S + 1) * 1000));
    h.source.start();
    try {
      h.sqs.sendMessage(h.queue, 'slow');
      // Delivered again (it was visible again anyway), then deleted.
      await until(() => h.bodies.slice(), (b) => b.length >= 2, 5_000);
      // The poller lives: a message sent now is consumed.
      h.sqs.sendMessage(h.queue, 'after');
      await until(() => h.bodies.slice(), (b) => b.includes('after'), 5_000);
      await until(h.left, (n) => n === 0, 5_000);
      expect(h.bodies).toEqual(['slow', 'slow', 'after']);
      expect(h.errors).toEqual([]);
      expect(rejections).toEqual([]);
    } finally {
      await h.source.stop();
    }
  });

  it('keeps polling when another consumer has received the message since (stale receipt handle)', async () => {
    // Past the visibility timeout, another consumer receives the message (a new receipt
    // handle) and keeps it in flight; the source's own handle is stale when its batch ends.
    let other: string | undefined;
    const h = harness((x) => {
      x.clock.advance((VISIBILITY_S + 1) * 1000);
      void x.sqs.receiveMessages(x.queue, { max: 1, waitTimeSeconds: 0 }).then((got) => void (other = got[0]?.receiptHandle));
    });
    h.source.start();
    try {
      h.sqs.sendMessage(h.queue, 'slow');
      await until(() => other, (r) => r !== undefined, 5_000);
      h.sqs.sendMessage(h.queue, 'after');
      await until(() => h.bodies.slice(), (b) => b.includes('after'), 5_000);
      // The other consumer still holds 'slow'; it finishes with it.
      expect(h.sqs.deleteMessage(h.queue, other as string)).toBe(true);
      await until(h.left, (n) => n === 0, 5_000);
      expect(h.bodies).toEqual(['slow', 'after']);
      expect(h.errors).toEqual([]);
      expect(rejections).toEqual([]);
    } finally {
      await h.source.stop();
    }
  });
});
