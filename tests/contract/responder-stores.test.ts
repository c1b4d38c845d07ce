import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProblemType } from '../../generated';
import { quote, quoteReply } from '../../functions/pricing/rates';
import { etaReply } from '../../functions/tracking/eta';
import { availabilityReply } from '../../functions/vendor/availability';
import { createDynamoDbAvailabilityStore } from '../../functions/vendor/availability-store';
import { vendors as directoryJson, type DirectoryVendor } from '../../functions/vendor/directory';
import { createDynamoDbVendorDirectory, DIRECTORY_PK } from '../../functions/vendor/directory-store';
import { reservationFor, reservedReply } from '../../functions/vendor/reservations';
import { createDynamoDbReservationStore } from '../../functions/vendor/store';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import { createOnceSender } from '../../lib/event-store';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { createTableLike } from '../helpers/tables';

// The scatter-gather responders' stores on DynamoDB Local, on tables made as serverless.yml
// declares them: the vendor service reads the capacity counters its reservations keep (more
// than one BatchGetItem's worth of keys too), and every responder writes an answer's outbox
// row once, refusing the same answer again.

const VENDORS = 'responders-vendors';
const OUTBOX = 'responders-outbox';
const AT = '2025-03-14T09:12:59.117Z';
const cause = { causedBy: { metadata: { eventId: 'e0000000-0000-4000-8000-000000000001', correlationId: 'corr-1' } } };
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  await createTableLike(ddb.client, 'VendorTable', VENDORS);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
}, 60_000);

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

const n = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const outboxRow = async (event: OutgoingEvent) => (await doc.send(new GetCommand({ TableName: OUTBOX, Key: { id: readMetadata(event.detail).eventId } }))).Item;
const request = { requestId: 'gather-1', incidentId: n(900) };

describe('vendor availability store', () => {
  it('reads the active jobs the reservation store counts, for more than 100 vendors at once; a vendor never reserved has no counter', async () => {
    // Prepare
    const reservations = createDynamoDbReservationStore({ doc: () => doc, table: () => VENDORS, outboxTable: () => OUTBOX });
    const availability = createDynamoDbAvailabilityStore({ doc: () => doc, table: () => VENDORS, outboxTable: () => OUTBOX });
    const busy = [n(1), n(150)];
    for (const [i, vendorId] of [busy[0], busy[1], busy[1]].entries()) {
      const reservation = reservationFor({ sagaId: n(500 + i), incidentId: n(900), vendorId: vendorId as string, offerId: n(800), holdUntil: AT }, 'HELD', AT);
      expect(await reservations.hold(reservation, 3, reservedReply(reservation, cause, AT))).toBe('held');
    }
    const asked = Array.from({ length: 160 }, (_, i) => n(i + 1));

    // Act
    const active = await availability.activeJobs(asked);

    // Assess
    expect([...active.entries()].sort()).toEqual([[n(1), 1], [n(150), 2]]);
  });

  it('writes an answer once: the same answer again is refused and leaves the first row', async () => {
    // Prepare
    const availability = createDynamoDbAvailabilityStore({ doc: () => doc, table: () => VENDORS, outboxTable: () => OUTBOX });
    const first = availabilityReply(request, { ok: true, vendors: [{ vendorId: n(1), name: 'One', distanceKm: 1.5, rating: 4.5, activeJobs: 1, capabilities: ['tow'] }] }, n(601), cause, AT);
    const second = availabilityReply(request, { ok: false, errorCode: 'NO_VENDOR_AVAILABLE', errorMessage: 'All full now.', canRetry: true }, n(601), cause, AT);

    // Act
    const outcomes = [await availability.reply(first), await availability.reply(second)];

    // Assess
    expect(outcomes).toEqual([true, false]);
    expect(await outboxRow(first)).toMatchObject({ status: 'PENDING', detailType: 'VendorAvailabilityResponse', correlationId: 'corr-1' });
  });
});

describe('vendor directory (seeded into the vendor table at start-up)', () => {
  const TABLE = 'responders-directory';
  beforeAll(() => createTableLike(ddb.client, 'VendorTable', TABLE), 60_000);
  const directoryRows = async () => ((await doc.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': DIRECTORY_PK }, ConsistentRead: true }))).Items ?? []);
  const vendor = (i: number, capacity = 3): DirectoryVendor => ({ vendorId: n(i), name: `Vendor ${i}`, location: { lat: 37.7 + i / 1000, lon: -122.4 }, services: ['tow'], rating: 4.5, available: true, capacity });

  it('seeds directory.json once, even from cold starts at once, and reads it back from the table', async () => {
    // Prepare: three containers starting at once, each with its own cache.
    const starts = [1, 2, 3].map(() => createDynamoDbVendorDirectory({ doc: () => doc, table: () => TABLE }));

    // Act
    const lists = await Promise.all(starts.map((d) => d.list()));
    const again = await createDynamoDbVendorDirectory({ doc: () => doc, table: () => TABLE }).ensureSeeded();

    // Assess
    for (const list of lists) expect([...list].sort((a, b) => a.vendorId.localeCompare(b.vendorId))).toEqual([...directoryJson].sort((a, b) => a.vendorId.localeCompare(b.vendorId)));
    expect(again).toBe(false);
    const rows = await directoryRows();
    expect(rows.filter((r) => String(r['sk']).startsWith('VENDOR#'))).toHaveLength(directoryJson.length);
    expect(rows.filter((r) => String(r['sk']).startsWith('SEED#'))).toHaveLength(1);
  });

  it('reads the table, not the file: a change in the table shows after the cache expires; a new seed replaces the rows of the old one (more than one BatchWriteItem of rows)', async () => {
    // Prepare
    const table = 'responders-directory-2';
    await createTableLike(ddb.client, 'VendorTable', table);
    let clock = 0;
    const first = createDynamoDbVendorDirectory({ doc: () => doc, table: () => table, seed: Array.from({ length: 30 }, (_, i) => vendor(i + 1)), now: () => clock, cacheMs: 1000 });
    expect((await first.list()).map((v) => v.vendorId)).toEqual(Array.from({ length: 30 }, (_, i) => n(i + 1)));

    // Act: an operator closes vendor 2 in the table; later a deployment keeps only vendor 2, with more room, and adds vendor 31.
    await doc.send(new UpdateCommand({ TableName: table, Key: { pk: DIRECTORY_PK, sk: `VENDOR#${n(2)}` }, UpdateExpression: 'SET available = :f', ExpressionAttributeValues: { ':f': false } }));
    const cachedRead = await first.list();
    clock += 1500;
    const freshRead = await first.list();
    const redeployed = createDynamoDbVendorDirectory({ doc: () => doc, table: () => table, seed: [vendor(2, 5), vendor(31)] });
    const afterDeploy = await redeployed.list();

    // Assess
    expect(cachedRead.find((v) => v.vendorId === n(2))?.available).toBe(true);
    expect(freshRead.find((v) => v.vendorId === n(2))?.available).toBe(false);
    expect(afterDeploy.map((v) => [v.vendorId, v.capacity, v.available])).toEqual([[n(2), 5, true], [n(31), 3, true]]);
  });
});

describe('pricing and tracking answers (lib/event-store createOnceSender)', () => {
  it('each writes its answer once to the outbox', async () => {
    // Prepare
    const sender = createOnceSender({ doc: () => doc, outboxTable: () => OUTBOX });
    const quotes = { reply: (e: OutgoingEvent) => sender.send(e) };
    const etas = quotes;
    const problemType: ProblemType = 'tow';
    const priced = quoteReply(request, quote({ problemType, location: { lat: 37.78, lon: -122.42 } }, AT, AT), n(701), cause, AT);
    const timed = etaReply(request, { ok: true, estimates: [] }, n(702), cause, AT);

    // Act
    const outcomes = [await quotes.reply(priced), await quotes.reply(priced), await etas.reply(timed), await etas.reply(timed)];

    // Assess
    expect(outcomes).toEqual([true, false, true, false]);
    const rows = ((await doc.send(new ScanCommand({ TableName: OUTBOX }))).Items ?? []).filter((r) => ['PriceQuoteResponse', 'EtaResponse'].includes(r['detailType'] as string));
    expect(rows.map((r) => r['detailType']).sort()).toEqual(['EtaResponse', 'PriceQuoteResponse']);
  });
});
