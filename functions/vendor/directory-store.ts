// The vendor directory in the vendor service's own table (VendorTable), seeded from the
// reference data in its folder (directory.json): database-per-service, so nothing outside
// the vendor service reads that file, and what vendor reads is its table. Seeding and reading
// are lib/reference-data's: the first read in a container writes the vendors' rows and then
// the seed's marker unless that marker (a hash of the rows) is there; a changed
// directory.json (a deployment) is written again, and rows of an older seed are not read.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../lib/clients';
import { createReferenceTable, type ReferenceRow } from '../../lib/reference-data';
import { config } from './config';
import { vendors as seedVendors, type DirectoryVendor } from './directory';

export interface VendorDirectory {
  /** Every vendor of the directory. */
  list(): Promise<readonly DirectoryVendor[]>;
}

/** The directory's item collection in VendorTable: one row per vendor, and the seed's marker. */
export const DIRECTORY_PK = 'DIRECTORY';
const VENDOR_PREFIX = 'VENDOR#';

export interface DynamoDbVendorDirectoryOptions {
  doc: () => DynamoDBDocumentClient;
  table: () => string;
  /** The reference data to seed (default: directory.json). */
  seed?: readonly DirectoryVendor[];
  /** How long a container keeps the directory it read before reading the table again. Default 60 s. */
  cacheMs?: number;
  now?: () => number;
  /** BatchWriteItem rounds for items DynamoDB leaves unprocessed (throttling) before the seed fails (and the handler is retried). Default 5. */
  maxRounds?: number;
}

export function createDynamoDbVendorDirectory({ doc, table, seed = seedVendors, cacheMs, now, maxRounds }: DynamoDbVendorDirectoryOptions): VendorDirectory & { ensureSeeded(): Promise<boolean> } {
  const reference = createReferenceTable({
    doc,
    table,
    rows: () => seed.map((vendor): ReferenceRow => ({ pk: DIRECTORY_PK, sk: `${VENDOR_PREFIX}${vendor.vendorId}`, ...vendor })),
    marker: (hash) => ({ pk: DIRECTORY_PK, sk: `SEED#${hash}` }),
    ...(cacheMs === undefined ? {} : { cacheMs }),
    ...(now === undefined ? {} : { now }),
    ...(maxRounds === undefined ? {} : { maxRounds }),
  });
  return {
    ensureSeeded: () => reference.ensureSeeded(),
    list: async () => (await reference.query(DIRECTORY_PK, VENDOR_PREFIX)).map(toVendor),
  };
}

function toVendor(item: Record<string, unknown>): DirectoryVendor {
  const { vendorId, name, location, services, rating, available, capacity } = item as unknown as DirectoryVendor;
  return { vendorId, name, location, services, rating, available, capacity };
}

/** A directory in memory (unit tests). */
export function inMemoryVendorDirectory(vendors: readonly DirectoryVendor[]): VendorDirectory {
  return { list: async () => vendors };
}

/** The deployed directory, configured on first use. */
export const vendorDirectory = createDynamoDbVendorDirectory({ doc: clients.dynamoDbDocument, table: () => config().vendorTable });
