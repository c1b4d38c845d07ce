// The vendor consumer as `npm run bench:saga` runs it (tests/bench/assignment-saga.ts points
// the vendor function of the bench's own template here): the deployed handlers
// (functions/vendor/consumer.ts makeHandlers, same store, same capacity check) over the
// directory with more room per vendor, so hundreds of sagas at once can hold a vendor. The
// directory's capacities (2-5 jobs) would fail nearly every reservation of 500 sagas.
import { createVendorQueueConsumer } from '../../generated';
import { makeHandlers } from '../../functions/vendor/consumer';
import { vendors } from '../../functions/vendor/directory';
import { availabilityStore } from '../../functions/vendor/availability-store';
import { config } from '../../functions/vendor/config';
import { createDynamoDbVendorDirectory } from '../../functions/vendor/directory-store';
import { clients } from '../../lib/clients';
import { reservationStore } from '../../functions/vendor/store';

/** Jobs each vendor takes at once in the bench (BENCH_VENDOR_CAPACITY, set by the flow). */
const capacity = Number(process.env['BENCH_VENDOR_CAPACITY'] ?? 1000);

// Its own seed (another hash than directory.json's), so the table holds the roomier rows.
const directory = createDynamoDbVendorDirectory({ doc: clients.dynamoDbDocument, table: () => config().vendorTable, seed: vendors.map((v) => ({ ...v, capacity: Math.max(v.capacity, capacity) })) });

export const handler = createVendorQueueConsumer(makeHandlers({ reservations: reservationStore, availability: availabilityStore, directory, now: () => new Date().toISOString() }));
