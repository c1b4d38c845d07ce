/**
 * A chaos flow: one way a business process enters the platform, and what "done" means for
 * it. The chaos run knows no domain; each project names its flows in package.json
 * (`config.chaosFlows`: modules whose default export is a `ChaosFlow`), and the run starts
 * instances of them in turn. Adding a flow (say, accepting an offer) is one module and one
 * line there.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** How a flow reaches the platform: the HTTP API with a valid token, and the tables (read directly, never faulted). */
export interface ChaosContext {
  /** Calls the HTTP API as an authenticated user (with extra headers: `x-correlation-id` to carry one flow's correlation on). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; correlationId: string | undefined }>;
  doc: DynamoDBDocumentClient;
  /** The deployed name of a table of the template, by the end of its name (`read-models`). */
  table(suffix: string): string;
  /** Messages in the queues the consumers read (visible, in flight or delayed): 0 when the platform has caught up. */
  backlog(): number;
}

/** One started instance: its business key and the correlation id its events carry. */
export interface FlowInstance {
  flow: string;
  key: string;
  correlationId: string;
  /** Whatever the flow keeps to check it later (ids it created, say). */
  state?: Record<string, unknown>;
}

/** What a flow instance came to once the platform was quiet. */
export interface FlowOutcome {
  /** It reached the terminal state its flow expects. */
  terminal: boolean;
  /** What is missing, when not terminal. */
  missing?: string;
  /** Side effects found more often than once per business key (offers, notifications, timeline rows...): must stay empty. */
  duplicates: string[];
  /** What the instance came to, for the report (a saga's end state, say): each label is counted per flow. */
  tally?: string[];
}

export interface ChaosFlow {
  name: string;
  /**
   * Adjusts the packaged template for this flow before the cloud starts (e.g. a business
   * deadline that a run slowed down by faults would otherwise hit); returns what it changed,
   * for the report.
   */
  prepare?(template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }): string[];
  /**
   * Starts instance `n` (from 0). Undefined when the platform refused it for good (the run
   * counts refusals; a refused request must have left nothing behind).
   */
  start(context: ChaosContext, n: number): Promise<FlowInstance | undefined>;
  /** Reads what the instance came to. */
  check(context: ChaosContext, instance: FlowInstance): Promise<FlowOutcome>;
}
