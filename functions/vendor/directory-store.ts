// The vendor directory in the vendor service's own table (VendorTable), seeded from the
// reference data in its folder (directory.json): database-per-service, so nothing outside
// the vendor service reads that file, and what vendor reads is its table.
//
// Seeding happens at start-up, by the function itself: the first read in a container looks
// for the seed marker of this directory.json (a content hash); when absent, it writes every
// vendor row and then the marker. The rows are plain puts of the same data, so two cold starts
// seeding at once write the same thing. A changed directory.json (a deployment) has another
// hash: it is written again, and rows left from an older seed (a vendor removed from the file)
// are not read.
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients, sdk } from '../../lib/clients';
import { config } from './config';
import { vendors as seedVendors, type DirectoryVendor } from './directory';

export interface VendorDirectory {
  /** Every vendor of the directory. */
  list(): Promise<readonly DirectoryVendor[]>;
}

/** The directory's item collection in VendorTable. */
export const DIRECTORY_PK = 'DIRECTORY';
const vendorSk = (vendorId: string): string => `VENDOR#${vendorId}`;
const markerSk = (seed: string): string => `SEED#${seed}`;

/** The seed's identity: a hash of the vendors it writes. */
export function seedHash(vendors: readonly DirectoryVendor[]): string {
  return createHash('sha256').update(JSON.stringify(vendors)).digest('hex').slice(0, 16);
}

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

/** BatchWriteItem takes at most 25 items per call. */
const BATCH_WRITE_MAX = 25;

export function createDynamoDbVendorDirectory({ doc, table, seed = seedVendors, cacheMs = 60_000, now = Date.now, maxRounds = 5 }: DynamoDbVendorDirectoryOptions): VendorDirectory & { ensureSeeded(): Promise<boolean> } {
  const hash = seedHash(seed);
  let seeded = false;
  let cached: { at: number; vendors: readonly DirectoryVendor[] } | undefined;

  /** Writes the seed unless its marker is there; true when this call wrote it. */
  async function ensureSeeded(): Promise<boolean> {
    if (seeded) return false;
    const marker = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: { pk: DIRECTORY_PK, sk: markerSk(hash) }, ConsistentRead: true }));
    if (marker.Item) {
      seeded = true;
      return false;
    }
    const rows = seed.map((vendor) => ({ PutRequest: { Item: { pk: DIRECTORY_PK, sk: vendorSk(vendor.vendorId), seed: hash, ...vendor } } }));
    for (let start = 0; start < rows.length; start += BATCH_WRITE_MAX) {
      let requests: Record<string, unknown>[] = rows.slice(start, start + BATCH_WRITE_MAX);
      for (let round = 1; requests.length; round += 1) {
        if (round > maxRounds) throw new Error(`vendor directory seed ${hash}: ${requests.length} row(s) still unwritten after ${maxRounds} BatchWriteItem rounds`);
        const out = await doc().send(new (sdk.document().BatchWriteCommand)({ RequestItems: { [table()]: requests } }));
        requests = (out.UnprocessedItems?.[table()] ?? []) as Record<string, unknown>[];
      }
    }
    // The marker last: a seed interrupted half-way is written again by the next start.
    await doc().send(new (sdk.document().PutCommand)({ TableName: table(), Item: { pk: DIRECTORY_PK, sk: markerSk(hash), seed: hash, vendors: seed.length, seededAt: new Date(now()).toISOString() } }));
    seeded = true;
    return true;
  }

  return {
    ensureSeeded,
    async list() {
      if (cached && now() - cached.at < cacheMs) return cached.vendors;
      await ensureSeeded();
      const vendors: DirectoryVendor[] = [];
      const pages = sdk.document().paginateQuery({ client: doc() }, { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)', ExpressionAttributeValues: { ':pk': DIRECTORY_PK, ':v': 'VENDOR#' } });
      for await (const page of pages) {
        for (const item of page.Items ?? []) if (item['seed'] === hash) vendors.push(toVendor(item));
      }
      cached = { at: now(), vendors };
      return vendors;
    },
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
