/**
 * The local web console (`npm start` serves it at http://127.0.0.1:<http port>/_console):
 * a page (scripts/console/public, plain HTML + JS, no build, nothing from a CDN) and the
 * JSON it reads, all from the running local cloud:
 *
 *   GET  /_console/api/events?since=&detailType=&correlationId=   the live tail (the cloud's event log)
 *   GET  /_console/api/flow?correlationId=[&dlq=0]               the causal tree (`npm run ops -- trace`; dlq=0: without a look into the DLQs)
 *   GET  /_console/api/queues                                    depth, in flight, DLQ depth per queue
 *   POST /_console/api/redrive  {"dlq": "<name>"}                 `npm run ops -- dlq redrive <name>`
 *   GET  /_console/api/functions                                 invocations, errors, last duration
 *   GET  /_console/api/logs?function=                            recent invocations with their log lines
 *   GET  /_console/api/sagas                                     saga and gather items of any table
 *   GET  /_console/api/outbox                                    PENDING and FAILED outbox rows
 *   GET  /_console/docs/...                                      the generated event docs
 *
 * It knows no domain: sagas and gathers are found by the shape lib/saga and lib/gather store,
 * the outbox is the table whose stream feeds a function. Never packaged for AWS (a script).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import type { LocalCloud } from '../../local/runtime';
import { chaosTables } from '../chaos/verdict';
import { dlqRedrive, queueOverview } from '../ops/dlq';
import { OpsError } from '../ops/errors';
import { resolveTarget, shortQueueName, type OpsTarget } from '../ops/target';
import { NoFlowEvents, trace, type TraceNode } from '../ops/trace';

export const CONSOLE_PATH = '/_console';
const PUBLIC = join(__dirname, 'public');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json' };
/** Items read per table when looking for sagas and gathers. */
const SCAN_LIMIT = 2000;

type Item = Record<string, unknown>;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

/** A file under `dir`, or undefined when the path leaves it or does not exist. */
async function staticFile(dir: string, path: string): Promise<{ body: Buffer; type: string } | undefined> {
  const file = resolve(dir, normalize(`.${sep}${decodeURIComponent(path)}`));
  if (file !== dir && !file.startsWith(`${dir}${sep}`)) return undefined;
  const body = await readFile(file).catch(() => undefined);
  return body ? { body, type: TYPES[extname(file)] ?? 'application/octet-stream' } : undefined;
}

async function scan(doc: DynamoDBDocumentClient, table: string, limit = SCAN_LIMIT): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client: doc }, { TableName: table })) {
    items.push(...((page.Items ?? []) as Item[]));
    if (items.length >= limit) break;
  }
  return items;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isObject = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A saga item as lib/saga stores it (`{ sagaId, saga, status, state: { history, ... } }`), for display. */
export function sagaView(table: string, item: Item): Item | undefined {
  const state = item['state'];
  if (typeof item['sagaId'] !== 'string' || typeof item['saga'] !== 'string' || !isObject(state) || !Array.isArray(state['history'])) return undefined;
  return {
    kind: 'saga',
    table,
    id: item['sagaId'],
    name: item['saga'],
    status: str(item['status']) ?? str(state['status']) ?? '?',
    correlationId: str(state['correlationId']),
    startedAt: str(state['startedAt']),
    endedAt: str(state['endedAt']),
    reason: str(state['reason']),
    steps: (state['history'] as unknown[]).filter(isObject).map((h) => ({
      step: str(h['step']),
      phase: str(h['phase']),
      attempt: h['attempt'],
      status: str(h['status']),
      startedAt: str(h['startedAt']),
      endedAt: str(h['endedAt']),
      reply: isObject(h['reply']) ? str(h['reply']['detailType']) : undefined,
    })),
  };
}

/** A scatter-gather round as lib/gather stores it (`{ requestId, gather, status, responders, answers }`), for display. */
export function gatherView(table: string, item: Item): Item | undefined {
  const responders = item['responders'];
  const answers = item['answers'];
  if (typeof item['requestId'] !== 'string' || typeof item['gather'] !== 'string' || !isObject(responders) || !isObject(answers)) return undefined;
  return {
    kind: 'gather',
    table,
    id: item['requestId'],
    name: item['gather'],
    status: str(item['status']) ?? '?',
    correlationId: str(item['correlationId']),
    startedAt: str(item['startedAt']),
    endedAt: str(item['endedAt']),
    deadline: str(item['deadline']),
    reason: str(item['reason']),
    steps: Object.entries(responders).map(([name, r]) => {
      const answer = answers[name];
      return {
        step: name,
        required: isObject(r) ? r['required'] === true : false,
        status: isObject(answer) ? (answer['kind'] === 'error' ? 'ERROR' : 'ANSWERED') : 'WAITING',
        reply: isObject(answer) ? str(answer['detailType']) : undefined,
        endedAt: isObject(answer) ? str(answer['at']) : undefined,
      };
    }),
  };
}

export interface ConsoleOptions {
  cloud: LocalCloud;
  /** Project root: the catalog, generated sagas and generated/docs. */
  root: string;
}

/** The console's request handler, for `cloud.mount(CONSOLE_PATH, ...)`. */
export function createConsole(options: ConsoleOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { cloud, root } = options;
  const docs = join(root, 'generated', 'docs');
  let target: Promise<OpsTarget> | undefined;
  const opsTarget = (): Promise<OpsTarget> => (target ??= resolveTarget({ root, local: true, endpoint: cloud.urls.aws, out: () => undefined }).catch((e: unknown) => {
    target = undefined;
    throw e;
  }));
  let doc: DynamoDBDocumentClient | undefined;
  const dynamo = (): DynamoDBDocumentClient => (doc ??= createDynamoDbDocumentClient({ endpoint: cloud.dynamodbEndpoint, env: {} }));

  const api: Record<string, (req: IncomingMessage, url: URL) => Promise<unknown>> = {
    'GET events': async (_req, url) => {
      const since = Number(url.searchParams.get('since') ?? 0);
      const detailType = url.searchParams.get('detailType') ?? '';
      const correlationId = url.searchParams.get('correlationId') ?? '';
      const events = cloud
        .recentEvents({ ...(since ? { since } : {}), ...(correlationId ? { correlationId } : {}) })
        .filter((e) => !detailType || e.event['detail-type'] === detailType)
        .slice(-300);
      return { now: Date.now(), events };
    },
    'GET flow': async (_req, url) => {
      const correlationId = url.searchParams.get('correlationId') ?? '';
      if (!correlationId) throw new OpsError('correlationId is required');
      let result;
      try {
        // dlq=0: the page's redraws of an open flow do not receive the DLQs' messages again
        // while their depths are unchanged (it keeps what the last look found)
        result = await trace(await opsTarget(), correlationId, { from: 'log', dlq: url.searchParams.get('dlq') !== '0' });
      } catch (error) {
        // Not an error for the page: a flow opened before it starts fills in as it runs
        if (error instanceof NoFlowEvents) return { correlationId, roots: [], events: 0, errors: [], dlq: [] };
        throw error;
      }
      const first = Math.min(...result.roots.map((r) => r.at));
      const withOffsets = (n: TraceNode): unknown => ({ ...n, offsetMs: n.at - first, children: n.children.sort((a, b) => a.at - b.at).map(withOffsets) });
      return { ...result, startedAt: first, roots: result.roots.sort((a, b) => a.at - b.at).map(withOffsets) };
    },
    'GET queues': async () => {
      const t = await opsTarget();
      const queues = await queueOverview(t);
      const byArn = new Map(queues.map((q) => [q.arn, q]));
      return {
        queues: queues
          .map((q) => {
            const dlq = q.deadLetter ? byArn.get(q.deadLetter.arn) : undefined;
            return {
              name: shortQueueName(t, q.name),
              depth: q.depth,
              inFlight: q.inFlight,
              isDlq: q.isDlq,
              sources: q.sources.map((s) => shortQueueName(t, s)),
              ...(dlq ? { dlq: { name: shortQueueName(t, dlq.name), depth: dlq.depth, maxReceiveCount: q.deadLetter?.maxReceiveCount } } : {}),
            };
          })
          .sort((a, b) => Number(a.isDlq) - Number(b.isDlq) || a.name.localeCompare(b.name)),
      };
    },
    'POST redrive': async (req) => {
      const body = (await readBody(req)) as { dlq?: unknown };
      if (typeof body.dlq !== 'string' || !body.dlq) throw new OpsError('body must be {"dlq": "<queue name>"}');
      return dlqRedrive(await opsTarget(), body.dlq);
    },
    'GET functions': async () => {
      const stats = new Map<string, { name: string; invocations: number; errors: number; lastDurationMs?: number; lastAt?: number; lastError?: string }>();
      for (const name of cloud.runner.names()) stats.set(name, { name, invocations: 0, errors: 0 });
      for (const i of cloud.recentInvocations()) {
        const s = stats.get(i.function) ?? { name: i.function, invocations: 0, errors: 0 };
        s.invocations += 1;
        if (!i.ok || i.failedRecords > 0) {
          s.errors += 1;
          if (i.error) s.lastError = i.error;
        }
        s.lastDurationMs = i.durationMs;
        s.lastAt = i.startedAt;
        stats.set(i.function, s);
      }
      return { functions: [...stats.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    },
    'GET logs': async (_req, url) => {
      const fn = url.searchParams.get('function') ?? '';
      if (!fn) throw new OpsError('function is required');
      return { function: fn, invocations: cloud.recentInvocations({ function: fn }).slice(-20).reverse() };
    },
    'GET sagas': async () => {
      const found: Item[] = [];
      for (const table of cloud.plan.tables) {
        for (const item of await scan(dynamo(), table.name)) {
          const view = sagaView(table.name, item) ?? gatherView(table.name, item);
          if (view) found.push(view);
        }
      }
      found.sort((a, b) => String(b['startedAt'] ?? '').localeCompare(String(a['startedAt'] ?? '')));
      return { sagas: found.filter((f) => f['kind'] === 'saga').slice(0, 100), gathers: found.filter((f) => f['kind'] === 'gather').slice(0, 100) };
    },
    'GET outbox': async () => {
      const table = chaosTables(cloud.plan).outbox;
      if (!table) return { table: null, rows: [] };
      const rows = (await scan(dynamo(), table, 20_000))
        .filter((r) => r['status'] === 'PENDING' || r['status'] === 'FAILED')
        .map((r) => ({ id: r['id'], status: r['status'], detailType: r['detailType'], correlationId: r['correlationId'], attempts: r['attempts'], lastError: r['lastError'], createdAt: r['createdAt'] }))
        .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
      return { table, rows: rows.slice(-200), total: rows.length };
    },
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.slice(CONSOLE_PATH.length) || '/';
    if (path.startsWith('/api/')) {
      const handler = api[`${req.method ?? 'GET'} ${path.slice('/api/'.length)}`];
      if (!handler) return json(res, 404, { message: `no console API ${req.method ?? ''} ${path}` });
      // A page elsewhere cannot send JSON here without a CORS preflight, which is never answered.
      if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) return json(res, 415, { message: 'send application/json' });
      try {
        return json(res, 200, await handler(req, url));
      } catch (error) {
        if (error instanceof OpsError || error instanceof SyntaxError) return json(res, 400, { message: error.message });
        throw error;
      }
    }
    if (req.method !== 'GET') return json(res, 405, { message: 'GET only' });
    if (path === '/') {
      res.writeHead(302, { location: `${CONSOLE_PATH}/index.html` });
      return void res.end();
    }
    const file = path.startsWith('/docs/') ? await staticFile(docs, path.slice('/docs/'.length) || 'index.html') : await staticFile(PUBLIC, path.slice(1));
    if (!file) return json(res, 404, { message: `not found: ${path}` });
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
    res.end(file.body);
  };
}
