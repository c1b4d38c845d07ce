import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ReleaseVendorData, ReserveVendorData, VoidPaymentAuthorizationData } from '../../generated';
import { pendingFor, settle, voidedReply, voidedUnasked } from '../../functions/payments/authorizations';
import { createDynamoDbAuthorizationStore, type AuthorizationStore } from '../../functions/payments/store';
import { failedReply, releasedReply, reservationFor, reservedReply } from '../../functions/vendor/reservations';
import { capacityKey, createDynamoDbReservationStore, type ReservationStore } from '../../functions/vendor/store';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { createTableLike } from '../helpers/tables';

// The saga participants' stores on DynamoDB Local, on tables made as serverless.yml declares
// them: vendor capacity never goes above the directory's, a reservation or authorization
// change and its reply are written together or not at all, and no reply is written twice.

const VENDORS = 'participants-vendors';
const PAYMENTS = 'participants-payments';
const OUTBOX = 'participants-outbox';
const AT = '2025-03-14T09:12:59.117Z';
const cause = { causedBy: { metadata: { eventId: 'cmd-1', correlationId: 'corr-1' } } };
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let vendors: ReservationStore;
let payments: AuthorizationStore;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  await createTableLike(ddb.client, 'VendorTable', VENDORS);
  await createTableLike(ddb.client, 'PaymentsTable', PAYMENTS);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
  vendors = createDynamoDbReservationStore({ doc: () => doc, table: () => VENDORS, outboxTable: () => OUTBOX });
  payments = createDynamoDbAuthorizationStore({ doc: () => doc, table: () => PAYMENTS, outboxTable: () => OUTBOX });
}, 60_000);

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

const outboxed = async (events: OutgoingEvent[]): Promise<boolean[]> => {
  const rows = new Set(((await doc.send(new ScanCommand({ TableName: OUTBOX }))).Items ?? []).map((i) => i['id'] as string));
  return events.map((e) => rows.has(readMetadata(e.detail).eventId ?? ''));
};
const activeJobs = async (vendorId: string): Promise<unknown> => (await doc.send(new GetCommand({ TableName: VENDORS, Key: capacityKey(vendorId) }))).Item?.['active'];

const n = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const reserveCommand = (saga: number, vendorId: string, incidentId = n(900)): ReserveVendorData => ({ sagaId: n(saga), incidentId, vendorId, offerId: n(800), holdUntil: '2025-03-14T09:17:58.602Z' });
const releaseCommand = (c: ReserveVendorData): ReleaseVendorData => ({ sagaId: c.sagaId, incidentId: c.incidentId, vendorId: c.vendorId, reservationId: n(0), reason: 'saga_timeout' });

describe('vendor reservation store', () => {
  it('holds capacity up to the directory figure, then answers full and writes nothing (no reservation, no reply)', async () => {
    // Prepare
    const vendorId = n(101);
    const commands = [1, 2, 3].map((s) => reserveCommand(s, vendorId));
    const held = commands.map((c) => reservationFor(c, 'HELD', AT));
    const replies = held.map((r) => reservedReply(r, cause, AT));

    // Act
    const outcomes = [];
    for (const [i, r] of held.entries()) outcomes.push(await vendors.hold(r, 2, replies[i] as OutgoingEvent));

    // Assess
    expect(outcomes).toEqual(['held', 'held', 'full']);
    expect(await activeJobs(vendorId)).toBe(2);
    expect(await outboxed(replies)).toEqual([true, true, false]);
    expect(await vendors.find(n(900), held[2]?.reservationId ?? '')).toBeUndefined();
    expect(await vendors.find(n(900), held[0]?.reservationId ?? '')).toMatchObject({ status: 'HELD', held: true, sagaId: n(1) });
  });

  it('answers exists for the same reservation again, whether or not the vendor is full, taking no capacity', async () => {
    // Prepare
    const vendorId = n(102);
    const reservation = reservationFor(reserveCommand(11, vendorId), 'HELD', AT);
    const reply = reservedReply(reservation, cause, AT);
    await vendors.hold(reservation, 1, reply);

    // Act
    const again = await vendors.hold(reservation, 1, reply);
    const withRoom = await vendors.hold(reservation, 5, reply);

    // Assess
    expect([again, withRoom]).toEqual(['exists', 'exists']);
    expect(await activeJobs(vendorId)).toBe(1);
  });

  it('releases a held reservation once, giving its capacity back with the reply; a failed or unheld one is recorded once', async () => {
    // Prepare
    const vendorId = n(103);
    const command = reserveCommand(21, vendorId, n(901));
    const reservation = reservationFor(command, 'HELD', AT);
    await vendors.hold(reservation, 3, reservedReply(reservation, cause, AT));
    const released = releasedReply(releaseCommand(command), true, cause, AT);
    const failed = reserveCommand(22, vendorId, n(901));
    const failure = failedReply(failed, 'capacity_exceeded', 'full', cause, AT);

    // Act
    const first = await vendors.release(reservation, AT, released);
    const second = await vendors.release(reservation, AT);
    const recorded = [await vendors.record(reservationFor(failed, 'FAILED', AT), failure), await vendors.record(reservationFor(failed, 'FAILED', AT), failure)];
    const replies = [await vendors.reply(released), await vendors.reply(releasedReply(releaseCommand(failed), false, cause, AT))];

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(recorded).toEqual([true, false]);
    expect(replies).toEqual([false, true]);
    expect(await activeJobs(vendorId)).toBe(0);
    expect(await vendors.find(n(901), reservation.reservationId)).toMatchObject({ status: 'RELEASED', releasedAt: AT });
    expect(await outboxed([released, failure])).toEqual([true, true]);
  });

  it('lists only the HELD reservations of the incident, and frees one without a reply', async () => {
    // Prepare
    const vendorId = n(104);
    const [a, b, other] = [reserveCommand(31, vendorId, n(902)), reserveCommand(32, vendorId, n(902)), reserveCommand(33, vendorId, n(903))].map((c) => reservationFor(c, 'HELD', AT));
    for (const r of [a, b, other]) await vendors.hold(r!, 5, reservedReply(r!, cause, AT));
    await vendors.release(b!, AT, releasedReply(releaseCommand(reserveCommand(32, vendorId, n(902))), true, cause, AT));

    // Act
    const held = await vendors.heldFor(n(902));
    const freed = await vendors.release(a!, AT);

    // Assess
    expect(held.map((r) => r.sagaId)).toEqual([a!.sagaId]);
    expect(freed).toBe(true);
    expect(await activeJobs(vendorId)).toBe(1);
  });
});

describe('payments authorization store', () => {
  const authorizeCommand = (saga: number) => ({ sagaId: n(saga), incidentId: n(950), driverId: n(951), vendorId: n(952), offerId: n(953), amount: { amountCents: 9050, currency: 'USD' } });
  const voidCommand = (saga: number): VoidPaymentAuthorizationData => ({ sagaId: n(saga), incidentId: n(950), authorizationId: n(0), reason: 'saga_timeout' });

  it('creates an authorization once, then moves it on only from the state it is in, with its reply', async () => {
    // Prepare
    const pending = pendingFor(authorizeCommand(41), AT);
    const settled = settle(pending, { outcome: 'approved', brand: 'visa', last4: '4242' }, cause, AT);
    if (!settled) throw new Error('approved answers settle');
    const voided = voidedReply(voidCommand(41), settled.next, cause, AT);

    // Act
    const created = [await payments.create(pending), await payments.create(pending)];
    const stale = await payments.replace({ ...settled.next, status: 'VOIDED' }, 'AUTHORIZED', voided);
    const authorized = [await payments.replace(settled.next, 'PENDING', settled.reply), await payments.replace(settled.next, 'PENDING', settled.reply)];

    // Assess
    expect(created).toEqual([true, false]);
    expect(stale).toBe(false);
    expect(authorized).toEqual([true, false]);
    expect(await payments.find(n(41))).toMatchObject({ status: 'AUTHORIZED', paymentMethod: { brand: 'visa' }, amount: { amountCents: 9050 } });
    expect(await outboxed([settled.reply, voided])).toEqual([true, false]);
  });

  it('records a void of nothing with its reply once, and writes a reply alone once', async () => {
    // Prepare
    const marker = voidedUnasked(voidCommand(42), AT);
    const reply = voidedReply(voidCommand(42), undefined, cause, AT);

    // Act
    const recorded = [await payments.create(marker, reply), await payments.create(marker, reply)];
    const again = await payments.reply(reply);

    // Assess
    expect(recorded).toEqual([true, false]);
    expect(again).toBe(false);
    expect(await payments.find(n(42))).toMatchObject({ status: 'VOIDED', amount: { amountCents: 0 } });
    expect(await outboxed([reply])).toEqual([true]);
  });
});
