// The scheduler's own table (SchedulesTable): request records, gather rounds (round.ts) and
// schedules. Nothing here reads another domain's table. A request record and its
// ScheduleRequested are one transaction (lib/event-store writeWithOutbox); PUT and DELETE
// are conditional on the schedule's version and existence.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CompetitionEvent, EventDay } from '../../generated';
import { clients, sdk } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { writeWithOutbox } from '../../../../lib/event-store';
import { config } from './config';
import { requestKey, SCHEDULE_SK_PREFIX, scheduleKey, schedulePk } from './keys';
import type { Schedule, ScheduleOptions } from './schedule';

/** A schedule as stored and as the API returns it. */
export interface StoredSchedule {
  scheduleId: string;
  eventId: string;
  requestId: string;
  /** How the round that made it ended. */
  status: 'COMPLETE' | 'PARTIAL';
  /** Optional domains that did not answer (their fallback was used). */
  missing: string[];
  name: string;
  published: boolean;
  notes?: string;
  version: number;
  generatedAt: string;
  updatedAt: string;
  event: Pick<CompetitionEvent, 'name' | 'venue' | 'lanes'>;
  days: EventDay[];
  schedule: Schedule;
}

export interface ScheduleRequestRecord {
  requestId: string;
  eventId: string;
  requestedAt: string;
  options: ScheduleOptions;
}

export interface ScheduleChanges {
  name?: string;
  published?: boolean;
  notes?: string;
}

/** The outcome of a conditional change: done, no such schedule, or another version. */
export type ChangeOutcome = { ok: true; schedule: StoredSchedule } | { ok: false; reason: 'NOT_FOUND' } | { ok: false; reason: 'VERSION_CONFLICT'; current: number };

export interface Schedules {
  /** The request record and its ScheduleRequested, in one transaction. */
  request(record: ScheduleRequestRecord, event: OutgoingEvent): Promise<void>;
  requestRecord(requestId: string): Promise<ScheduleRequestRecord | undefined>;
  list(eventId: string): Promise<StoredSchedule[]>;
  get(eventId: string, scheduleId: string): Promise<StoredSchedule | undefined>;
  update(eventId: string, scheduleId: string, version: number, changes: ScheduleChanges, now: string): Promise<ChangeOutcome>;
  /** True when it existed. */
  remove(eventId: string, scheduleId: string): Promise<boolean>;
}

/** The item of a new schedule (version 1, not published), named after its event. */
export function scheduleItem(s: Omit<StoredSchedule, 'name' | 'published' | 'version' | 'updatedAt' | 'event'> & { event: CompetitionEvent }): Record<string, unknown> {
  const { name, venue, lanes } = s.event;
  const stored: StoredSchedule = { ...s, event: { name, lanes, ...(venue ? { venue } : {}) }, name: `${name} schedule`, published: false, version: 1, updatedAt: s.generatedAt };
  return { ...scheduleKey(s.eventId, s.scheduleId), ...stored };
}

const toSchedule = (item: Record<string, unknown>): StoredSchedule => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as StoredSchedule;
};

export function createSchedules(deps: { doc: () => DynamoDBDocumentClient; table: () => string; outboxTable: () => string }): Schedules {
  const { doc, table } = deps;
  const conditionFailed = (e: unknown): boolean => (e as Error).name === 'ConditionalCheckFailedException';
  const get = async (eventId: string, scheduleId: string): Promise<StoredSchedule | undefined> => {
    const out = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: scheduleKey(eventId, scheduleId) }));
    return out.Item ? toSchedule(out.Item) : undefined;
  };
  return {
    async request(record, event) {
      await writeWithOutbox({ doc: doc(), outboxTable: deps.outboxTable(), events: [event], writes: [{ Put: { TableName: table(), Item: { ...requestKey(record.requestId), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } }] });
    },
    async requestRecord(requestId) {
      const out = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: requestKey(requestId) }));
      if (!out.Item) return undefined;
      const { requestId: id, eventId, requestedAt, options } = out.Item as ScheduleRequestRecord;
      return { requestId: id, eventId, requestedAt, options };
    },
    async list(eventId) {
      const found: StoredSchedule[] = [];
      const pages = sdk.document().paginateQuery({ client: doc() }, { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', ExpressionAttributeValues: { ':pk': schedulePk(eventId), ':sk': SCHEDULE_SK_PREFIX } });
      for await (const page of pages) for (const item of page.Items ?? []) found.push(toSchedule(item));
      return found.sort((a, b) => b.generatedAt.localeCompare(a.generatedAt));
    },
    get,
    async update(eventId, scheduleId, version, changes, now) {
      const sets = ['#version = :next', 'updatedAt = :now'];
      const names: Record<string, string> = { '#version': 'version' };
      const values: Record<string, unknown> = { ':expected': version, ':next': version + 1, ':now': now };
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      try {
        const out = await doc().send(
          new (sdk.document().UpdateCommand)({ TableName: table(), Key: scheduleKey(eventId, scheduleId), UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: 'attribute_exists(pk) AND #version = :expected', ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW' }),
        );
        return { ok: true, schedule: toSchedule(out.Attributes ?? {}) };
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        const current = await get(eventId, scheduleId);
        return current ? { ok: false, reason: 'VERSION_CONFLICT', current: current.version } : { ok: false, reason: 'NOT_FOUND' };
      }
    },
    async remove(eventId, scheduleId) {
      try {
        await doc().send(new (sdk.document().DeleteCommand)({ TableName: table(), Key: scheduleKey(eventId, scheduleId), ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },
  };
}

/** The deployed store, configured on first use. */
export const schedules = createSchedules({ doc: clients.dynamoDbDocument, table: () => config().schedulesTable, outboxTable: () => config().outboxTable });
