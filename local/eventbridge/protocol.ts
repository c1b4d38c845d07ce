import type { EventBridgeBackend } from './backend';
import { optional } from '../optional';
import { EventBridgeError } from './errors';
import { entryItem, objectItem, optList, optObject, optString, requestObject, stringItem } from './fields';
import type { ArchiveInfo } from './archive';
import type { InputTransformer, Json, PutEventsEntry, ReplayState, Rule, Target } from './types';
import { archiveNameViolations, check, checkBusName, checkPatternSize, descriptionViolations } from './validation';

/**
 * The EventBridge API as `@aws-sdk/client-eventbridge` speaks it: AWS JSON 1.1,
 * `x-amz-target: AWSEvents.<Operation>`, timestamps as epoch seconds, errors as
 * `{ __type, message }` with status 400.
 */

export interface ProtocolResponse {
  status: number;
  body: unknown;
}

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
const toMs = (v: unknown, name: string): number => {
  const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new EventBridgeError('ValidationException', `${name} is missing or not a timestamp.`);
  return ms;
};
const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || !v) throw new EventBridgeError('ValidationException', `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`);
  return v;
};

function describeRule(rule: Rule): Json {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventBusName: rule.busName,
    State: rule.enabled ? 'ENABLED' : 'DISABLED',
    ...(rule.pattern ? { EventPattern: JSON.stringify(rule.pattern) } : {}),
    ...(rule.schedule ? { ScheduleExpression: rule.schedule } : {}),
    ...(rule.description ? { Description: rule.description } : {}),
  };
}

function describeTarget(t: Target): Json {
  return {
    Id: t.id,
    Arn: t.arn,
    RetryPolicy: { MaximumRetryAttempts: t.maximumRetryAttempts, MaximumEventAgeInSeconds: t.maximumEventAgeSeconds },
    ...(t.deadLetterArn ? { DeadLetterConfig: { Arn: t.deadLetterArn } } : {}),
    ...(t.input !== undefined ? { Input: t.input } : {}),
    ...(t.inputPath !== undefined ? { InputPath: t.inputPath } : {}),
    ...(t.inputTransformer ? { InputTransformer: { ...(Object.keys(t.inputTransformer.inputPathsMap).length ? { InputPathsMap: t.inputTransformer.inputPathsMap } : {}), InputTemplate: t.inputTransformer.inputTemplate } } : {}),
    ...(t.sqsParameters ? { SqsParameters: { MessageGroupId: t.sqsParameters.messageGroupId } } : {}),
  };
}

function optInteger(input: Json, field: string, min: number, max: number, fallback: number): number {
  const v = input[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new EventBridgeError('SerializationException', `Value for ${field} must be an integer.`);
  if (v < min || v > max) throw new EventBridgeError('ValidationException', `1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  return v;
}

/** InputTransformer as the API gives it: InputTemplate required, InputPathsMap a map of strings. */
function readTransformer(t: Json): InputTransformer | undefined {
  const transformer = optObject(t, 'InputTransformer');
  if (!transformer) return undefined;
  const paths = optObject(transformer, 'InputPathsMap') ?? {};
  const inputPathsMap: Record<string, string> = {};
  for (const key of Object.keys(paths)) inputPathsMap[key] = stringItem(paths[key], `InputTransformer.InputPathsMap.${key}`);
  const inputTemplate = optString(transformer, 'InputTemplate');
  if (inputTemplate === undefined) throw new EventBridgeError('ValidationException', `1 validation error detected: Value null at 'targets.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null`);
  return { inputPathsMap, inputTemplate };
}

function readTarget(t: Json): Target {
  const retry = optObject(t, 'RetryPolicy') ?? {};
  const sqs = optObject(t, 'SqsParameters');
  const messageGroupId = sqs ? optString(sqs, 'MessageGroupId') : undefined;
  return {
    id: str(t['Id'], 'Targets.member.Id'),
    arn: str(t['Arn'], 'Targets.member.Arn'),
    maximumRetryAttempts: optInteger(retry, 'MaximumRetryAttempts', 0, 185, 185),
    maximumEventAgeSeconds: optInteger(retry, 'MaximumEventAgeInSeconds', 60, 86_400, 86_400),
    deadLetterArn: optString(optObject(t, 'DeadLetterConfig') ?? {}, 'Arn'),
    input: optString(t, 'Input'),
    ...optional('inputPath', optString(t, 'InputPath')),
    ...optional('inputTransformer', readTransformer(t)),
    ...(messageGroupId !== undefined ? { sqsParameters: { messageGroupId } } : {}),
  };
}

function describeBus(bus: ReturnType<EventBridgeBackend['describeBus']>): Json {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...optional('Description', bus.description),
    ...optional('Policy', bus.policy),
    CreationTime: seconds(bus.createdAt),
    LastModifiedTime: seconds(bus.modifiedAt),
  };
}

/** The `Tags` list of a request (`[{ Key, Value }]`) as a map; `undefined` when absent. */
function readTags(input: Json): Record<string, string> | undefined {
  const list = optList(input, 'Tags', objectItem);
  if (!list) return undefined;
  const tags: Record<string, string> = {};
  for (const [i, tag] of list.entries()) {
    const key = optString(tag, 'Key');
    const value = optString(tag, 'Value');
    if (key === undefined || value === undefined) throw new EventBridgeError('ValidationException', `1 validation error detected: Value null at 'tags.${i + 1}.member.${key === undefined ? 'key' : 'value'}' failed to satisfy constraint: Member must not be null`);
    tags[key] = value;
  }
  return tags;
}

/** The statements of a bus policy (JSON text), or none. */
function policyStatements(policy: string | undefined): Json[] {
  if (policy === undefined) return [];
  const statement = (JSON.parse(policy) as Json)['Statement'];
  const list: unknown[] = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  return list.filter((st): st is Json => typeof st === 'object' && st !== null && !Array.isArray(st));
}

function describeReplay(r: ReplayState): Json {
  return {
    ReplayName: r.name,
    ReplayArn: r.archiveArn.replace(/:archive\/.*$/, `:replay/${r.name}`),
    EventSourceArn: r.archiveArn,
    Destination: { Arn: r.destinationBusArn, ...(r.filterArns.length ? { FilterArns: r.filterArns } : {}) },
    State: r.state,
    ...(r.stateReason ? { StateReason: r.stateReason } : {}),
    EventStartTime: seconds(r.start),
    EventEndTime: seconds(r.end),
    ReplayStartTime: seconds(r.startedAt),
    ...(r.endedAt ? { ReplayEndTime: seconds(r.endedAt) } : {}),
    ...(r.lastReplayed ? { EventLastReplayedTime: seconds(r.lastReplayed) } : {}),
  };
}

const BUS_ARN = /^arn:aws([a-z]|-)*:events:([a-z]|\d|-)*:([0-9]{12})?:.+\/.+$/;
const ARCHIVE_STATES = ['ENABLED', 'DISABLED', 'CREATING', 'UPDATING', 'CREATE_FAILED', 'UPDATE_FAILED'];

/** An archive as DescribeArchive and ListArchives give it (local archives are always ENABLED; RetentionDays 0 is "forever"). */
function describeArchive(b: EventBridgeBackend, a: ArchiveInfo): Json {
  return {
    ArchiveArn: a.arn,
    ArchiveName: a.name,
    EventSourceArn: b.busArn(a.busName),
    State: 'ENABLED',
    RetentionDays: a.retentionDays ?? 0,
    SizeBytes: a.sizeBytes,
    EventCount: a.eventCount,
    CreationTime: seconds(a.createdAt),
  };
}

/** CreateArchive / UpdateArchive's optional fields. */
function archiveOptions(input: Json): { retentionDays?: number; pattern?: Json; description?: string } {
  const patternText = optString(input, 'EventPattern');
  let pattern: Json | undefined;
  if (patternText !== undefined) {
    checkPatternSize(patternText);
    try {
      pattern = JSON.parse(patternText) as Json;
    } catch (error) {
      throw new EventBridgeError('InvalidEventPatternException', 'Event pattern is not valid. Reason: it is not valid JSON.', { cause: error });
    }
    if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) throw new EventBridgeError('InvalidEventPatternException', 'Event pattern is not valid. Reason: it must be a JSON object.');
  }
  const retention = input['RetentionDays'];
  if (retention !== undefined && retention !== null && (typeof retention !== 'number' || !Number.isInteger(retention))) throw new EventBridgeError('SerializationException', 'Value for RetentionDays must be an integer.');
  return {
    ...optional('retentionDays', typeof retention === 'number' ? retention : undefined),
    ...optional('pattern', pattern),
    ...optional('description', optString(input, 'Description')),
  };
}

/** A page of a list (`Limit` 1..100, `NextToken` the offset the previous page ended at). */
function paginate<T>(items: T[], input: Json): { items: T[]; next: string | undefined } {
  const limit = optInteger(input, 'Limit', 1, 100, 100);
  const token = optString(input, 'NextToken');
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw new EventBridgeError('ValidationException', 'The NextToken is not valid.');
  const end = offset + limit;
  return { items: items.slice(offset, end), next: end < items.length ? Buffer.from(String(end), 'utf8').toString('base64url') : undefined };
}

const operations: Record<string, (backend: EventBridgeBackend, input: Json) => Json> = {
  PutEvents: (b, input) => b.putEvents(optList(input, 'Entries', entryItem) ?? []) as unknown as Json,
  TestEventPattern: (b, input) => ({ Result: b.testEventPattern(str(input['EventPattern'], 'eventPattern'), str(input['Event'], 'event')) }),
  ListEventBuses: (b, input) => ({
    EventBuses: b
      .listBuses()
      .filter((x) => x.name.startsWith(optString(input, 'NamePrefix') ?? ''))
      .map(describeBus),
  }),
  DescribeEventBus: (b, input) => describeBus(b.describeBus(optString(input, 'Name'))),
  CreateEventBus: (b, input) => {
    const name = str(input['Name'], 'name');
    checkBusName(name);
    check(descriptionViolations(optString(input, 'Description')));
    if (b.listBuses().some((x) => x.name === name)) throw new EventBridgeError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    const tags = readTags(input);
    b.createBus(name, { ...optional('description', optString(input, 'Description')) });
    if (tags) b.tagResource(b.busArn(name), tags);
    return { EventBusArn: b.busArn(name), ...optional('Description', optString(input, 'Description')) };
  },
  DeleteEventBus: (b, input) => {
    b.deleteBus(str(input['Name'], 'name'));
    return {};
  },
  PutPermission: (b, input) => {
    const busName = optString(input, 'EventBusName');
    const policy = optString(input, 'Policy');
    if (policy !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(policy);
      } catch (error) {
        throw new EventBridgeError('ValidationException', 'Policy is not valid JSON.', { cause: error });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EventBridgeError('ValidationException', 'Policy must be a JSON object.');
      b.setBusPolicy(busName, policy);
      return {};
    }
    const sid = str(input['StatementId'], 'statementId');
    const principal = str(input['Principal'], 'principal');
    const action = str(input['Action'], 'action');
    if (action !== 'events:PutEvents') throw new EventBridgeError('ValidationException', `Provided value in parameter 'action' is not supported: ${action}`);
    const bus = b.describeBus(busName);
    const statements = policyStatements(bus.policy).filter((st) => st['Sid'] !== sid);
    statements.push({ Sid: sid, Effect: 'Allow', Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal}:root` }, Action: action, Resource: bus.arn, ...optional('Condition', optObject(input, 'Condition')) });
    b.setBusPolicy(busName, JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    return {};
  },
  RemovePermission: (b, input) => {
    const busName = optString(input, 'EventBusName');
    const bus = b.describeBus(busName);
    if (input['RemoveAllPermissions'] === true) {
      b.setBusPolicy(busName, undefined);
      return {};
    }
    const sid = str(input['StatementId'], 'statementId');
    const statements = policyStatements(bus.policy);
    if (!statements.some((st) => st['Sid'] === sid)) throw new EventBridgeError('ResourceNotFoundException', 'Statement with the provided id does not exist.');
    const rest = statements.filter((st) => st['Sid'] !== sid);
    b.setBusPolicy(busName, rest.length ? JSON.stringify({ Version: '2012-10-17', Statement: rest }) : undefined);
    return {};
  },
  EnableRule: (b, input) => {
    b.setRuleState(optString(input, 'EventBusName'), str(input['Name'], 'name'), true);
    return {};
  },
  DisableRule: (b, input) => {
    b.setRuleState(optString(input, 'EventBusName'), str(input['Name'], 'name'), false);
    return {};
  },
  TagResource: (b, input) => {
    b.tagResource(str(input['ResourceARN'], 'resourceARN'), readTags(input) ?? {});
    return {};
  },
  UntagResource: (b, input) => {
    b.untagResource(str(input['ResourceARN'], 'resourceARN'), optList(input, 'TagKeys', stringItem) ?? []);
    return {};
  },
  ListTagsForResource: (b, input) => ({ Tags: Object.entries(b.listTags(str(input['ResourceARN'], 'resourceARN'))).map(([Key, Value]) => ({ Key, Value })) }),
  PutRule: (b, input) => {
    const name = str(input['Name'], 'name');
    const busNameOrArn = optString(input, 'EventBusName') ?? 'default';
    const busName = busNameOrArn.startsWith('arn:') ? busNameOrArn.slice(busNameOrArn.lastIndexOf('/') + 1) : busNameOrArn;
    let existing: Rule | undefined;
    try {
      existing = b.getRule(busName, name);
    } catch {
      existing = undefined;
    }
    let pattern: Json | undefined;
    const patternText = optString(input, 'EventPattern');
    check(descriptionViolations(optString(input, 'Description')));
    if (patternText !== undefined) {
      checkPatternSize(patternText);
      try {
        pattern = JSON.parse(patternText) as Json;
      } catch (error) {
        throw new EventBridgeError('InvalidEventPatternException', 'Event pattern is not valid JSON.', { cause: error });
      }
    }
    const arn = `arn:aws:events:${b.region}:${b.accountId}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`;
    const tags = readTags(input);
    b.putRule({
      name,
      arn: existing?.arn ?? arn,
      busName,
      pattern,
      schedule: optString(input, 'ScheduleExpression'),
      enabled: (optString(input, 'State') ?? 'ENABLED') === 'ENABLED',
      targets: existing?.targets ?? [],
      ...optional('description', optString(input, 'Description')),
    });
    if (tags) b.tagResource(existing?.arn ?? arn, tags);
    return { RuleArn: existing?.arn ?? arn };
  },
  DeleteRule: (b, input) => {
    b.deleteRule(optString(input, 'EventBusName'), str(input['Name'], 'name'));
    return {};
  },
  DescribeRule: (b, input) => describeRule(b.getRule(optString(input, 'EventBusName'), str(input['Name'], 'name'))),
  ListRules: (b, input) => ({ Rules: b.listRules(optString(input, 'EventBusName'), optString(input, 'NamePrefix') ?? '').map(describeRule) }),
  ListTargetsByRule: (b, input) => ({ Targets: b.getRule(optString(input, 'EventBusName'), str(input['Rule'], 'rule')).targets.map(describeTarget) }),
  PutTargets: (b, input) => {
    b.setTargets(optString(input, 'EventBusName'), str(input['Rule'], 'rule'), (optList(input, 'Targets', objectItem) ?? []).map(readTarget));
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  RemoveTargets: (b, input) => {
    b.removeTargets(optString(input, 'EventBusName'), str(input['Rule'], 'rule'), optList(input, 'Ids', stringItem) ?? []);
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  CreateArchive: (b, input) => {
    const name = str(input['ArchiveName'], 'archiveName');
    const source = str(input['EventSourceArn'], 'eventSourceArn');
    check([...archiveNameViolations(name), ...descriptionViolations(optString(input, 'Description'))]);
    if (!BUS_ARN.test(source)) check([`Value '${source}' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:.+\\/.+$`]);
    const a = b.createArchive(name, source, archiveOptions(input));
    return { ArchiveArn: a.arn, State: 'ENABLED', CreationTime: seconds(a.createdAt) };
  },
  UpdateArchive: (b, input) => {
    const name = str(input['ArchiveName'], 'archiveName');
    check([...archiveNameViolations(name), ...descriptionViolations(optString(input, 'Description'))]);
    const a = b.updateArchive(name, archiveOptions(input));
    return { ArchiveArn: a.arn, State: 'ENABLED', CreationTime: seconds(a.createdAt) };
  },
  DeleteArchive: (b, input) => {
    b.deleteArchive(str(input['ArchiveName'], 'archiveName'));
    return {};
  },
  DescribeArchive: (b, input) => {
    const a = b.describeArchive(str(input['ArchiveName'], 'archiveName'));
    return { ...describeArchive(b, a), ...optional('Description', a.description), ...(a.pattern ? { EventPattern: JSON.stringify(a.pattern) } : {}) };
  },
  ListArchives: (b, input) => {
    const prefix = optString(input, 'NamePrefix');
    const source = optString(input, 'EventSourceArn');
    const state = optString(input, 'State');
    if ([prefix, source, state].filter((x) => x !== undefined).length > 1) throw new EventBridgeError('ValidationException', 'ListArchives takes at most one filter: NamePrefix, EventSourceArn or State.');
    if (state !== undefined && !ARCHIVE_STATES.includes(state)) check([`Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${ARCHIVE_STATES.join(', ')}]`]);
    const all = b
      .listArchives()
      .filter((a) => (prefix === undefined || a.name.startsWith(prefix)) && (source === undefined || b.busArn(a.busName) === source) && (state === undefined || state === 'ENABLED'))
      .map((a) => describeArchive(b, a));
    const page = paginate(all, input);
    return { Archives: page.items, ...optional('NextToken', page.next) };
  },
  StartReplay: (b, input) => {
    const destination = optObject(input, 'Destination') ?? {};
    const r = b.startReplay({
      name: str(input['ReplayName'], 'replayName'),
      archiveArn: str(input['EventSourceArn'], 'eventSourceArn'),
      start: toMs(input['EventStartTime'], 'EventStartTime'),
      end: toMs(input['EventEndTime'], 'EventEndTime'),
      destinationArn: str(destination['Arn'], 'destination.arn'),
      ...(destination['FilterArns'] !== undefined ? { filterArns: optList(destination, 'FilterArns', stringItem) ?? [] } : {}),
    });
    const d = describeReplay(r);
    return { ReplayArn: d['ReplayArn'], State: d['State'], ReplayStartTime: d['ReplayStartTime'] };
  },
  DescribeReplay: (b, input) => describeReplay(b.describeReplay(str(input['ReplayName'], 'replayName'))),
  ListReplays: (b) => ({ Replays: b.listReplays().map(describeReplay) }),
  CancelReplay: (b, input) => {
    const r = describeReplay(b.cancelReplay(str(input['ReplayName'], 'replayName')));
    return { ReplayArn: r['ReplayArn'], State: r['State'] };
  },
};

export const SUPPORTED_OPERATIONS = Object.keys(operations);

/** Handles one AWSEvents.* call. */
export function handleEventBridgeRequest(backend: EventBridgeBackend, target: string, body: unknown): ProtocolResponse {
  const operation = target.replace(/^AWSEvents\./, '');
  const handler = operations[operation];
  try {
    if (!handler) throw new EventBridgeError('UnknownOperationException', `The local EventBridge does not support ${operation} (supported: ${SUPPORTED_OPERATIONS.join(', ')}).`);
    return { status: 200, body: handler(backend, requestObject(body)) };
  } catch (error) {
    if (error instanceof EventBridgeError) return { status: 400, body: { __type: error.code, message: error.message } };
    return { status: 500, body: { __type: 'InternalException', message: error instanceof Error ? error.message : String(error) } };
  }
}
