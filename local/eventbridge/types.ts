/**
 * The shapes the local EventBridge works with: events as rules see them, rules and their
 * targets (also what the template plan declares), PutEvents entries, replays, and the
 * delivery callbacks the runtime injects. Kept apart from the engine so the archive, the
 * protocol and the template plan import types without importing the engine.
 */

export type Json = Record<string, unknown>;

export interface EventBridgeEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'replay-name'?: string;
}

/** An InputTransformer: JSONPath variables and the template they fill (`input.ts`). */
export interface InputTransformer {
  inputPathsMap: Record<string, string>;
  inputTemplate: string;
}

/**
 * A rule target, with its retry policy and dead-letter queue. What it receives: `input` (a
 * constant JSON text), `inputPath` (part of the event), `inputTransformer`, or, with none of
 * them, the whole event. `sqsParameters` carries the message group of a FIFO queue target.
 */
export interface Target {
  id: string;
  arn: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  deadLetterArn: string | undefined;
  input: string | undefined;
  inputPath?: string;
  inputTransformer?: InputTransformer;
  sqsParameters?: { messageGroupId: string };
}

/** A rule on a bus: an event pattern or a schedule, and up to 5 targets. */
export interface Rule {
  name: string;
  arn: string;
  busName: string;
  pattern: Json | undefined;
  schedule: string | undefined;
  enabled: boolean;
  targets: Target[];
  description?: string;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: Date | number | string;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** Sends one event to a target ARN (an SQS queue, a Lambda function, another bus); throws on failure. */
export type Deliver = (target: Target, payload: string, context: { rule: Rule; event: EventBridgeEvent }) => Promise<void>;
/** Sends a failed delivery to the target's dead-letter queue, with AWS's attributes. */
export type DeadLetter = (queueArn: string, payload: string, attributes: Record<string, string>) => Promise<void>;

export interface ReplayState {
  name: string;
  archiveArn: string;
  destinationBusArn: string;
  filterArns: string[];
  start: number;
  end: number;
  state: 'STARTING' | 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  stateReason?: string;
  startedAt: number;
  endedAt?: number;
  lastReplayed?: number;
  replayed: number;
}
