import { createHash } from 'node:crypto';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { clients, sdk } from '../clients';
import { optionalEnv, requireEnv, resolveBusName, type Env } from '../config';
import { TimerInputError, TimerScheduleError } from './errors';

/**
 * Timers: an event put on its bus at a later time, through one-time EventBridge Scheduler
 * schedules (`at(...)` in UTC, `ActionAfterCompletion: DELETE`), so nothing polls and a
 * timer survives any Lambda. The same calls run against AWS and the local cloud's Scheduler.
 *
 * Delivery is at least once and may be late: a timer can fire twice, late, or once after
 * `cancel` (a cancel racing the invocation). Every handler of a timer event must therefore be
 * idempotent and check the state it guards (is the offer still open?) rather than trust it.
 *
 * ```ts
 * const timers = timersFromEnv();
 * await timers.schedule({ id: `offer-timeout-${offerId}`, afterSeconds: 120, event: matchPublisher.OfferTimeoutElapsed(data, ctx) });
 * await timers.cancel(`offer-timeout-${offerId}`); // the offer was answered in time
 * ```
 */

/** An event to put on a bus when the timer is due (what the generated publishers build). */
export interface TimerEvent {
  source: string;
  detailType: string;
  busName: string;
  /** The spec's bus key (what the generated publishers set): its deployed name is read from `EVENT_BUS_<KEY>`, as the publisher does. */
  bus?: string;
  detail: unknown;
}

export interface ScheduleTimer {
  /** The timer's identity: scheduling the same id twice keeps the first timer; `cancel(id)` removes it. */
  id: string;
  /** Due time (a Date, ms since epoch, or an ISO string); or `afterSeconds` from now. */
  at?: Date | number | string;
  afterSeconds?: number;
  event: TimerEvent;
}

export interface Timers {
  /** Schedules the event; resolves with the schedule name and due time. Idempotent per id. */
  schedule(timer: ScheduleTimer): Promise<{ name: string; dueAt: Date; created: boolean }>;
  /** Removes a pending timer; false when there was none (already fired, or never scheduled). */
  cancel(id: string): Promise<boolean>;
}

export interface TimersOptions {
  client: Pick<SchedulerClient, 'send'>;
  /** The schedule group of this stage. */
  group: string;
  /** The role EventBridge Scheduler assumes to put events on the bus (allowed only `events:PutEvents` there). */
  roleArn: string;
  /** The ARN of a bus from its name. */
  busArn: (busName: string) => string;
  /** SQS queue for invocations that fail for good. */
  deadLetterArn?: string;
  /** Retries of a failed invocation, and for how long (defaults 10 and 1 hour). */
  retry?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
  now?: () => number;
  /** The deployed bus name of a spec bus key (default `EVENT_BUS_<KEY>` from the environment). */
  busNameOf?: (key: string) => string;
}

/** Scheduler names: 1-64 of `[0-9a-zA-Z-_.]`. Other ids are hashed, the same way every time. */
const SCHEDULE_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

export function scheduleName(id: string): string {
  return SCHEDULE_NAME.test(id) ? id : `t-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second (never early). */
export function atExpression(dueAt: Date): string {
  return `at(${new Date(Math.ceil(dueAt.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`;
}

function dueTime(timer: ScheduleTimer, now: number): Date {
  if ((timer.at === undefined) === (timer.afterSeconds === undefined)) throw new TimerInputError(`timer ${timer.id}: give exactly one of at and afterSeconds`);
  if (timer.afterSeconds !== undefined) {
    if (!Number.isFinite(timer.afterSeconds) || timer.afterSeconds < 0) throw new TimerInputError(`timer ${timer.id}: afterSeconds must be a number >= 0, got ${timer.afterSeconds}`);
    return new Date(now + timer.afterSeconds * 1000);
  }
  const at = new Date(timer.at as Date | number | string);
  if (Number.isNaN(at.getTime())) throw new TimerInputError(`timer ${timer.id}: at is not a date: ${String(timer.at)}`);
  return at;
}

const errorName = (error: unknown): string | undefined => (error as { name?: unknown } | null)?.name as string | undefined;

export function createTimers(options: TimersOptions): Timers {
  const now = options.now ?? Date.now;
  const { CreateScheduleCommand, DeleteScheduleCommand } = sdk.scheduler();
  return {
    async schedule(timer) {
      const dueAt = dueTime(timer, now());
      const name = scheduleName(timer.id);
      try {
        await options.client.send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: options.group,
            Description: timer.id.slice(0, 512),
            ScheduleExpression: atExpression(dueAt),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: options.busArn(timer.event.bus === undefined ? timer.event.busName : (options.busNameOf ?? resolveBusName)(timer.event.bus)),
              RoleArn: options.roleArn,
              Input: JSON.stringify(timer.event.detail),
              EventBridgeParameters: { DetailType: timer.event.detailType, Source: timer.event.source },
              RetryPolicy: { MaximumRetryAttempts: options.retry?.maximumRetryAttempts ?? 10, MaximumEventAgeInSeconds: options.retry?.maximumEventAgeInSeconds ?? 3600 },
              ...(options.deadLetterArn ? { DeadLetterConfig: { Arn: options.deadLetterArn } } : {}),
            },
          }),
        );
        return { name, dueAt, created: true };
      } catch (error) {
        // The same timer scheduled again (a redelivered event): the first one stands.
        if (errorName(error) === 'ConflictException') return { name, dueAt, created: false };
        throw new TimerScheduleError(`could not schedule timer ${timer.id} (${name}) for ${dueAt.toISOString()}: ${(error as Error).message}`, { cause: error });
      }
    },
    async cancel(id) {
      try {
        await options.client.send(new DeleteScheduleCommand({ Name: scheduleName(id), GroupName: options.group }));
        return true;
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return false;
        throw new TimerScheduleError(`could not cancel timer ${id}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

/** Variables a function with timers gets from the template (generated infra sets them). */
export const TIMER_ENV = {
  group: 'TIMERS_SCHEDULE_GROUP',
  roleArn: 'TIMERS_ROLE_ARN',
  deadLetterArn: 'TIMERS_DLQ_ARN',
  /** `arn:<partition>:events:<region>:<account>:event-bus/`: a bus ARN is this plus the bus name. */
  busArnPrefix: 'TIMERS_BUS_ARN_PREFIX',
} as const;

/** Timers configured from the environment, with the shared Scheduler client (built on first use). */
export function timersFromEnv(env: Env = process.env): Timers {
  const prefix = requireEnv(TIMER_ENV.busArnPrefix, env);
  const group = requireEnv(TIMER_ENV.group, env);
  const roleArn = requireEnv(TIMER_ENV.roleArn, env);
  const deadLetterArn = optionalEnv(TIMER_ENV.deadLetterArn, env);
  let timers: Timers | undefined;
  // The client (and the SDK module) on the first call, not when the handler module loads.
  const get = (): Timers => (timers ??= createTimers({ client: clients.scheduler(), group, roleArn, busArn: (busName) => `${prefix}${busName}`, ...(deadLetterArn ? { deadLetterArn } : {}) }));
  return { schedule: (timer) => get().schedule(timer), cancel: (id) => get().cancel(id) };
}
