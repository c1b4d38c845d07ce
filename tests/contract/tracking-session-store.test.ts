import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { IncidentAssignedData, TrackLocationCommand } from '../../generated';
import { createDynamoDbSessionStore, type SessionStore } from '../../functions/tracking/session-store';
import { applyPing, startSession, stopSession, type TrackingSession } from '../../functions/tracking/sessions';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { createTableLike } from '../helpers/tables';
import { inMemorySessionStore } from '../helpers/tracking-session-store';

// The tracking session store on DynamoDB Local, on tables made as serverless.yml declares
// them (TrackingTable, OutboxTable), and the in-memory store the unit tests use, held to the
// same behaviour: a session and its events are written together or not at all, a session
// is created once, replaced only at the version it was read, and no event is written twice.

const TRACKING = 'tracking-sessions';
const OUTBOX = 'tracking-outbox';
const AT = '2025-03-14T09:13:01.903Z';
const cause = { causedBy: { metadata: { eventId: 'evt-assigned', correlationId: 'corr-1' } } };
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let dynamo: SessionStore;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  await createTableLike(ddb.client, 'TrackingTable', TRACKING);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
  dynamo = createDynamoDbSessionStore({ doc: () => doc, table: () => TRACKING, outboxTable: () => OUTBOX });
}, 60_000);

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

const n = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const assigned = (incident: number): IncidentAssignedData => ({
  incidentId: n(incident),
  driverId: n(1),
  vendorId: n(2),
  agreedPrice: { amountCents: 12500, currency: 'USD' },
  destination: { lat: 37.7793, lon: -122.4193 },
  status: 'assigned',
  assignedAt: '2025-03-14T09:13:00.000Z',
});
const ping = (at: string, lat: number): TrackLocationCommand => ({ vendorId: n(2), lat, lon: -122.4193, recordedAt: `2025-03-14T${at}.000Z`, speedKph: 40 });
const moved = (s: TrackingSession, at: string, lat: number) => {
  const outcome = applyPing(s, ping(at, lat), new Date('2025-03-14T09:30:00.000Z'));
  if (outcome.kind !== 'accepted') throw new Error('the ping should be accepted');
  return outcome;
};
const ids = (events: readonly OutgoingEvent[]): string[] => events.map((e) => readMetadata(e.detail).eventId ?? '');

const stores: [string, () => { store: SessionStore; outbox: () => Promise<string[]> }][] = [
  ['DynamoDB', () => ({ store: dynamo, outbox: async () => ((await doc.send(new ScanCommand({ TableName: OUTBOX }))).Items ?? []).map((i) => i['id'] as string) })],
  [
    'in-memory',
    () => {
      const store = inMemorySessionStore();
      return { store, outbox: async () => ids(store.sent) };
    },
  ],
];

describe.each(stores)('%s session store', (_name, make) => {
  // Each store gets its own incidents (the DynamoDB tables are shared by the cases).
  let next = 100;
  const fresh = () => {
    next += 1;
    return startSession(assigned(next + (_name === 'DynamoDB' ? 0 : 5000)), cause, AT);
  };

  it('creates a session once, with its TrackingStarted, and reads it back as written', async () => {
    // Prepare
    const { store, outbox } = make();
    const { session, event } = fresh();

    // Act
    const first = await store.create(session, [event]);
    const again = await store.create({ ...session, pings: 99 }, [event]);

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(await store.find(session.sessionId)).toEqual(session);
    expect(await outbox()).toEqual(expect.arrayContaining(ids([event])));
  });

  it('replaces a session at the version it was read, with its events, and refuses a stale write whole', async () => {
    // Prepare
    const { store, outbox } = make();
    const { session, event } = fresh();
    await store.create(session, [event]);
    const a = moved(session, '09:14:00', 37.7343);
    const b = moved(session, '09:14:05', 37.7353); // decided on the same read: loses

    // Act
    const winner = await store.update(a.session, a.events);
    const loser = await store.update(b.session, b.events);

    // Assess
    expect([winner, loser]).toEqual([true, false]);
    expect(await store.find(session.sessionId)).toEqual(a.session);
    const rows = await outbox();
    expect(rows).toEqual(expect.arrayContaining(ids(a.events)));
    expect(rows).not.toEqual(expect.arrayContaining(ids(b.events)));
  });

  it('keeps a ping with no event (throttled) and refuses a change whose event was written before', async () => {
    // Prepare
    const { store, outbox } = make();
    const { session, event } = fresh();
    await store.create(session, [event]);
    const first = moved(session, '09:14:00', 37.7343);
    await store.update(first.session, first.events);
    const held = moved(first.session, '09:14:10', 37.7344);
    expect(held.events).toEqual([]);
    const stop = stopSession(held.session, 'work_completed', cause, AT);
    if (!stop) throw new Error('an active session stops');

    // Act
    const kept = await store.update(held.session, held.events);
    const stopped = await store.update(stop.session, [stop.event]);
    // The same stop decided again on the stopped session's version: its event exists.
    const twice = await store.update({ ...stop.session, version: stop.session.version + 1 }, [stop.event]);

    // Assess
    expect([kept, stopped, twice]).toEqual([true, true, false]);
    expect(await store.find(session.sessionId)).toEqual(stop.session);
    expect((await outbox()).filter((id) => id === ids([stop.event])[0])).toHaveLength(1);
  });

  it('finds nothing for an unknown session', async () => {
    const { store } = make();
    expect(await store.find(n(999_999))).toBeUndefined();
  });
});
