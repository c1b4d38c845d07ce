import { optional } from '../optional';
import { invalid, SchedulerError } from './errors';
import type { SchedulerBackend } from './backend';
import type { Schedule, ScheduleGroup, ScheduleInput, ScheduleTarget } from './model';

/**
 * The Scheduler API over HTTP as `@aws-sdk/client-scheduler` speaks it (REST-JSON):
 * `/schedules/{Name}` (POST create, GET, PUT update, DELETE), `GET /schedules`,
 * `/schedule-groups/{Name}` (POST, GET, DELETE), `GET /schedule-groups`, and the tag
 * operations on `/tags/{ResourceArn}`. Dates travel as epoch seconds; errors as
 * `{ Message }` with the `x-amzn-errortype` header the SDK maps to its exceptions.
 */

export interface SchedulerRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface SchedulerResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Whether a request path belongs to the Scheduler API. */
export function isSchedulerPath(path: string): boolean {
  return /^\/(schedules|schedule-groups|tags)(\/|$)/.test(path);
}

const MAX_RESULTS = 100;

export function handleSchedulerRequest(backend: SchedulerBackend, request: SchedulerRequest): SchedulerResponse {
  try {
    return { status: 200, body: route(backend, request), headers: {} };
  } catch (error) {
    const e = error instanceof SchedulerError ? error : new SchedulerError('InternalServerException', error instanceof Error ? error.message : String(error), { cause: error });
    return { status: e.status, body: { Message: e.message }, headers: { 'x-amzn-errortype': e.code } };
  }
}

function route(backend: SchedulerBackend, { method, path, query, body }: SchedulerRequest): unknown {
  const [, collection, rawName, ...rest] = path.split('/');
  if (rest.length) throw invalid(`Unknown path ${path}.`);
  const name = rawName === undefined || rawName === '' ? undefined : decode(rawName);
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (collection === 'schedules') {
    const group = query.get('groupName') ?? undefined;
    if (name === undefined) {
      if (method !== 'GET') throw invalid(`${method} /schedules is not an operation.`);
      return listSchedules(backend, query);
    }
    if (method === 'POST') return { ScheduleArn: backend.create(scheduleInput(name, input)).Arn };
    if (method === 'PUT') return { ScheduleArn: backend.update(scheduleInput(name, input)).Arn };
    if (method === 'GET') return scheduleOut(backend.get(name, group));
    if (method === 'DELETE') return backend.delete(name, group), {};
  }
  if (collection === 'schedule-groups') {
    if (name === undefined) {
      if (method !== 'GET') throw invalid(`${method} /schedule-groups is not an operation.`);
      return page(backend.listGroups(query.get('NamePrefix') ?? ''), query, 'ScheduleGroups', groupOut);
    }
    if (method === 'POST') return { ScheduleGroupArn: backend.createGroup(name, tagsIn(input['Tags'])).Arn };
    if (method === 'GET') return groupOut(backend.getGroup(name));
    if (method === 'DELETE') return backend.deleteGroup(name), {};
  }
  if (collection === 'tags' && name !== undefined) {
    const group = groupOfArn(backend, name);
    if (method === 'GET') return { Tags: Object.entries(group.Tags).map(([Key, Value]) => ({ Key, Value })) };
    if (method === 'POST') return Object.assign(group.Tags, tagsIn(input['Tags'])), {};
    if (method === 'DELETE') {
      for (const k of query.getAll('TagKeys')) delete group.Tags[k];
      return {};
    }
  }
  throw invalid(`${method} ${path} is not a Scheduler operation.`);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`The path segment "${segment}" has a malformed percent-escape.`);
  }
}

/** Tags live on schedule groups (schedules take none). */
function groupOfArn(backend: SchedulerBackend, arn: string): ScheduleGroup {
  const m = /:schedule-group\/([^/]+)$/.exec(arn);
  if (!m) throw invalid(`${arn} is not a schedule group ARN.`);
  return backend.getGroup(m[1] as string);
}

function tagsIn(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!Array.isArray(value)) throw invalid('Tags must be a list of { Key, Value }.');
  return Object.fromEntries(
    value.map((t: unknown) => {
      const { Key, Value } = (t ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key !== 'string' || typeof Value !== 'string') throw invalid('Each tag needs a string Key and Value.');
      return [Key, Value];
    }),
  );
}

function listSchedules(backend: SchedulerBackend, query: URLSearchParams): unknown {
  const state = query.get('State') ?? undefined;
  if (state !== undefined && state !== 'ENABLED' && state !== 'DISABLED') throw invalid('State must be ENABLED or DISABLED.');
  const schedules = backend.list({ ...optional('group', query.get('ScheduleGroup')), ...optional('prefix', query.get('NamePrefix')), ...optional('state', state) });
  return page(schedules, query, 'Schedules', (s) => ({
    Arn: s.Arn,
    Name: s.Name,
    GroupName: s.GroupName,
    State: s.State,
    CreationDate: seconds(s.CreationDate),
    LastModificationDate: seconds(s.LastModificationDate),
    Target: { Arn: s.Target.Arn },
  }));
}

function page<T>(items: T[], query: URLSearchParams, field: string, out: (item: T) => unknown): unknown {
  const max = Number(query.get('MaxResults') ?? MAX_RESULTS);
  if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) throw invalid(`MaxResults must be between 1 and ${MAX_RESULTS}.`);
  const token = query.get('NextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw invalid('NextToken is not valid.');
  const slice = items.slice(start, start + max);
  return { [field]: slice.map(out), ...(start + max < items.length ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}) };
}

function scheduleInput(name: string, body: Record<string, unknown>): ScheduleInput {
  const str = (field: string, required = false): string | undefined => {
    const v = body[field];
    if (v === undefined || v === null) {
      if (required) throw invalid(`${field} is required.`);
      return undefined;
    }
    if (typeof v !== 'string') throw invalid(`${field} must be a string.`);
    return v;
  };
  const date = (field: string): number | undefined => {
    const v = body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${field} must be a timestamp.`);
    return Math.round(v * 1000);
  };
  const oneOf = <T extends string>(field: string, values: readonly T[]): T | undefined => {
    const v = str(field);
    if (v !== undefined && !values.includes(v as T)) throw invalid(`${field} must be one of ${values.join(', ')}.`);
    return v as T | undefined;
  };
  const window = body['FlexibleTimeWindow'] as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) throw invalid('FlexibleTimeWindow.Mode is required: OFF or FLEXIBLE.');
  const maxWindow = window.MaximumWindowInMinutes;
  if (window.Mode === 'FLEXIBLE' && !(typeof maxWindow === 'number' && Number.isInteger(maxWindow) && maxWindow >= 1 && maxWindow <= 1440)) throw invalid('FlexibleTimeWindow.MaximumWindowInMinutes must be 1 to 1440 when Mode is FLEXIBLE.');
  const expression = str('ScheduleExpression', true) as string;
  if (expression.length > 256) throw invalid('ScheduleExpression is longer than 256 characters.');
  const input: ScheduleInput = {
    Name: name,
    ScheduleExpression: expression,
    FlexibleTimeWindow: { Mode: window.Mode, ...(typeof maxWindow === 'number' ? { MaximumWindowInMinutes: maxWindow } : {}) },
    Target: targetIn(body['Target']),
  };
  const fields = {
    GroupName: str('GroupName'),
    ScheduleExpressionTimezone: str('ScheduleExpressionTimezone'),
    Description: str('Description'),
    KmsKeyArn: str('KmsKeyArn'),
    StartDate: date('StartDate'),
    EndDate: date('EndDate'),
    State: oneOf('State', ['ENABLED', 'DISABLED'] as const),
    ActionAfterCompletion: oneOf('ActionAfterCompletion', ['NONE', 'DELETE'] as const),
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (input as unknown as Record<string, unknown>)[k] = v;
  return input;
}

function targetIn(value: unknown): ScheduleTarget {
  const t = (value ?? {}) as Record<string, unknown>;
  if (typeof t['Arn'] !== 'string' || !t['Arn'].startsWith('arn:')) throw invalid('Target.Arn is required and must be an ARN.');
  if (typeof t['RoleArn'] !== 'string' || !/^arn:aws[\w-]*:iam::\d{12}:role\//.test(t['RoleArn'])) throw invalid('Target.RoleArn is required and must be an IAM role ARN.');
  const service = t['Arn'].split(':')[2];
  if (!['events', 'sqs', 'lambda'].includes(service ?? '')) throw invalid(`Target ${t['Arn']}: the local Scheduler invokes EventBridge buses, SQS queues and Lambda functions.`);
  const eb = t['EventBridgeParameters'] as { DetailType?: unknown; Source?: unknown } | undefined;
  if (service === 'events' && (typeof eb?.DetailType !== 'string' || typeof eb.Source !== 'string')) throw invalid('Target.EventBridgeParameters (DetailType, Source) is required for an event bus target.');
  if (t['Input'] !== undefined && typeof t['Input'] !== 'string') throw invalid('Target.Input must be a string.');
  return t as unknown as ScheduleTarget;
}

function scheduleOut(s: Schedule): unknown {
  const { lastInvokedAt: _local, CreationDate, LastModificationDate, StartDate, EndDate, ...rest } = s;
  return {
    ...rest,
    CreationDate: seconds(CreationDate),
    LastModificationDate: seconds(LastModificationDate),
    ...(StartDate !== undefined ? { StartDate: seconds(StartDate) } : {}),
    ...(EndDate !== undefined ? { EndDate: seconds(EndDate) } : {}),
  };
}

function groupOut(g: ScheduleGroup): unknown {
  return { Arn: g.Arn, Name: g.Name, State: g.State, CreationDate: seconds(g.CreationDate), LastModificationDate: seconds(g.LastModificationDate) };
}

const seconds = (ms: number): number => ms / 1000;
