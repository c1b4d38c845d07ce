/**
 * The DynamoDB endpoint the local cloud hands out (to functions, and to users on
 * `--dynamodb-port`): a proxy in front of DynamoDB Local. It answers 503 until DynamoDB
 * Local is up with the template's tables, then forwards every request untouched. Reads are
 * streamed both ways: the hop costs a pipe, not a parse. A write's body is read first when
 * something listens: the stream pollers (which tables it changed), DynamoDB faults (scoped by
 * table; a seeded fraction of calls answered as DynamoDB fails them, local/faults/dynamodb.ts)
 * or a bench recording commits.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { callerFunction, DYNAMODB_TARGET_PREFIX, dynamoDbFault, type FaultInjector } from '../faults';
import { readBody } from '../http/body';
import { send, starting } from '../http/endpoint';

const AMZ_JSON = 'application/x-amz-json-1.0';
/** Operations that may add stream records: after one, the stream readers are told (`onWrite`). */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);
/** BatchWriteItem takes up to 16 MB: a faulted call must not be refused for its size where DynamoDB would take it. */
const DYNAMODB_MAX_REQUEST_BYTES = 17 * 1024 * 1024;
/** Commit times kept by `recordCommits`. */
const COMMITS_KEPT = 200_000;

export class DynamoDbProxy {
  private upstream: URL | undefined;
  // Keep-alive to DynamoDB Local: without it every proxied call would open a connection.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });

  private writeListener: ((tables: readonly string[] | undefined) => void) | undefined;
  /** Commit recording (`recordCommits`): the table, its key attribute, and when each item was last written. */
  private commits: { table: string; key: string; at: Map<string, number> } | undefined;

  constructor(private readonly faults: FaultInjector) {}

  /**
   * Called after every write DynamoDB Local answered, with the tables it wrote (undefined when
   * unknown: a PartiQL statement, a body that is not JSON): the local cloud wakes the stream
   * pollers of those tables only. Waking every poller on every write kept an outbox's poller
   * reading an empty stream while the consumers wrote their read models, and a commit that came
   * during such a read waited for it.
   */
  onWrite(listener: (tables: readonly string[] | undefined) => void): void {
    this.writeListener = listener;
  }

  /**
   * Records when DynamoDB answered each write of an item of `table` (its `key` attribute, a
   * string), the first time only: for measurements that start at a commit (a bench's hop
   * through the outbox starts when the producer's write is answered, not when it built the
   * row). Costs a parse of every write request while on; off by default. Returns the times by
   * key (bounded, oldest dropped).
   */
  recordCommits(table: string, key: string): ReadonlyMap<string, number> {
    this.commits = { table, key, at: new Map() };
    return this.commits.at;
  }

  /** The keys of the recorded table's items a write puts or updates. */
  private writtenKeys(writes: WriteRequest | undefined): string[] {
    const commits = this.commits;
    if (!commits || !writes) return [];
    return writes.items.flatMap(({ table, item }) => {
      const value = table === commits.table ? item[commits.key]?.S : undefined;
      return typeof value === 'string' ? [value] : [];
    });
  }

  /** From now on, forwards to DynamoDB at `endpoint` (until then: 503). */
  forwardTo(endpoint: string): void {
    this.upstream = new URL(endpoint);
  }

  /** The request handler, for `http.createServer` (wrap it in `guard`). */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const upstream = this.upstream;
    if (!upstream) return starting(res);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(DYNAMODB_TARGET_PREFIX.length);
    const faulty = this.faults.activeFor('dynamodb');
    const recording = this.commits !== undefined && WRITES.has(operation);
    if (req.method !== 'POST' || !target.startsWith(DYNAMODB_TARGET_PREFIX)) return this.forward(upstream, req, res);
    // A write while stream pollers listen: its body is read first, to tell them which tables changed.
    const listening = this.writeListener !== undefined && WRITES.has(operation);
    if (!faulty && !recording && !listening) return this.forward(upstream, req, res);
    const body = await readBody(req, DYNAMODB_MAX_REQUEST_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      // Not JSON: DynamoDB Local answers it as DynamoDB would.
      return this.forward(upstream, req, res, body, WRITES.has(operation) ? { tables: undefined, keys: [] } : undefined);
    }
    const fault = faulty ? dynamoDbFault(this.faults, target, parsed, callerFunction(req.headers)) : undefined;
    if (fault) return send(res, fault.status, fault.body, AMZ_JSON);
    if (!WRITES.has(operation)) return this.forward(upstream, req, res, body);
    const writes = writeRequest(operation, parsed);
    return this.forward(upstream, req, res, body, { tables: writes?.tables, keys: recording ? this.writtenKeys(writes) : [] });
  };

  private noteCommits(keys: readonly string[]): void {
    const at = this.commits?.at;
    if (!at || !keys.length) return;
    const now = Date.now();
    // The first write of a key is its commit: later ones (an outbox row marked PUBLISHED) are not.
    for (const key of keys) if (!at.has(key)) at.set(key, now);
    // Bounded: the oldest keys go first (a Map iterates in insertion order).
    for (const key of at.keys()) {
      if (at.size <= COMMITS_KEPT) break;
      at.delete(key);
    }
  }

  /** Forwards the request; for a write (`written`), once DynamoDB answered it, notes its commits and tells the listener which tables it changed. */
  private forward(upstream: URL, req: IncomingMessage, res: ServerResponse, body?: Buffer, written?: Written): Promise<void> {
    return new Promise((resolve) => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (answer) => {
        const ok = (answer.statusCode ?? 500) < 300;
        if (ok && written) this.noteCommits(written.keys);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => {
          if (ok && written) this.writeListener?.(written.tables);
          resolve();
        });
        answer.once('error', () => (res.destroy(), resolve()));
      });
      out.once('error', (error) => {
        // DynamoDB Local went away (stopping, or crashed): a transient error the SDK retries.
        if (!res.headersSent) send(res, 503, { __type: 'ServiceUnavailableException', message: `DynamoDB Local is not answering: ${error.message}` }, AMZ_JSON);
        else res.destroy();
        resolve();
      });
      if (body) out.end(body);
      else req.pipe(out);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A write DynamoDB is asked to make: the tables it names (undefined when unknown) and the recorded table's item keys it writes. */
interface Written {
  tables: readonly string[] | undefined;
  keys: readonly string[];
}

type AttributeMap = Record<string, { S?: unknown }>;
type Action = { TableName?: unknown; Item?: AttributeMap; Key?: AttributeMap };

/** What a write request names: its tables, and the items it puts or updates (by their item or key). */
export interface WriteRequest {
  tables: string[];
  items: { table: string; item: AttributeMap }[];
}

/** The tables and items of a write request (undefined when it cannot tell: PartiQL, or not a DynamoDB JSON body). */
export function writeRequest(operation: string, body: unknown): WriteRequest | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Action & { TransactItems?: unknown; RequestItems?: unknown };
  const written = (table: unknown, item: AttributeMap | undefined): WriteRequest['items'] => (typeof table === 'string' && item ? [{ table, item }] : []);
  if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') {
    return typeof b.TableName === 'string' ? { tables: [b.TableName], items: operation === 'DeleteItem' ? [] : written(b.TableName, b.Item ?? b.Key) } : undefined;
  }
  if (operation === 'BatchWriteItem') {
    if (typeof b.RequestItems !== 'object' || b.RequestItems === null) return undefined;
    const byTable = Object.entries(b.RequestItems as Record<string, { PutRequest?: { Item?: AttributeMap } }[]>);
    return { tables: byTable.map(([table]) => table), items: byTable.flatMap(([table, requests]) => (Array.isArray(requests) ? requests : []).flatMap((r) => written(table, r.PutRequest?.Item))) };
  }
  if (operation === 'TransactWriteItems' && Array.isArray(b.TransactItems)) {
    const actions = b.TransactItems as { Put?: Action; Update?: Action; Delete?: Action; ConditionCheck?: Action }[];
    const tables = new Set<string>();
    for (const item of actions) for (const action of Object.values(item ?? {})) if (typeof action?.TableName === 'string') tables.add(action.TableName);
    return { tables: [...tables], items: actions.flatMap((a) => written(a?.Put?.TableName ?? a?.Update?.TableName, a?.Put?.Item ?? a?.Update?.Key)) };
  }
  return undefined;
}
