/**
 * `npm run demo`: against a running `npm start`, sends one HTTP request (a JSON file:
 * method, path, body) with a dev token, then follows its correlation id through the
 * local buses and prints every event of the flow in order, with the time from the request.
 *
 *   npm run demo                                   # the request package.json's config.demoRequest names
 *   npm run demo -- --project examples/<name> # another project's config.demoRequest (its npm start running)
 *   npm run demo -- --request my-request.json --http http://127.0.0.1:3000 --aws http://127.0.0.1:4566
 *   npm run demo -- --wait 60      # seconds to wait for a local cloud still starting (default 30)
 *   npm run demo -- --within 30    # seconds the flow may take (default: the request's expect.withinSeconds, else 10)
 *   npm run demo -- --day          # plays the project's whole day (package.json config.demoDay): every
 *                                  # request with one correlation id, every event of the day printed
 *
 * A day module exports a `DemoDay` (default export): `play(session)` makes the requests and
 * waits for the events it needs through the session; the demo prints every event with the
 * session's correlation id as it arrives, with its time from the first request.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flag, option } from './args';
import { fetchWhenReady } from './local-endpoint';
import { projectConfig, projectRoot } from './project';

interface DemoRequest {
  method: string;
  path: string;
  body?: unknown;
  expect?: { events?: number; withinSeconds?: number };
}

/** What a day module gets: requests and event waits, all under one correlation id. */
export interface DemoSession {
  /** The correlation id every request of the session carries (and so every event it causes). */
  readonly correlationId: string;
  /** Sends a request with a dev token (with `scope` when given) and the session's correlation id. */
  call(method: string, path: string, body?: unknown, options?: { scope?: string }): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The data of `count` (default 1) events of these detail-types with the session's correlation id that `match`; throws after `timeoutMs`. */
  waitFor(detailType: string | readonly string[], match?: (data: Record<string, unknown>) => boolean, options?: { count?: number; timeoutMs?: number }): Promise<Record<string, unknown>[]>;
  /** A line of narration between the events. */
  say(line: string): void;
}

/** A project's whole-day scenario (package.json `config.demoDay`). */
export interface DemoDay {
  play(session: DemoSession): Promise<unknown>;
}

interface LoggedEvent {
  at: number;
  bus: string;
  rules: string[];
  event: { source: string; 'detail-type': string; detail: { metadata?: { eventId?: string; correlationId?: string; producer?: string } } };
}

/** Prints each event of one correlation id once, with its time from `started`. */
function eventPrinter(aws: string, correlationId: string, started: number) {
  const seen = new Map<string, LoggedEvent>();
  let lastNew = Date.now();
  return {
    seen,
    lastNew: () => lastNew,
    async poll(): Promise<LoggedEvent[]> {
      const { events } = (await (await fetch(`${aws}/local/events?correlationId=${encodeURIComponent(correlationId)}&since=${started}`)).json()) as { events: LoggedEvent[] };
      for (const e of events) {
        const id = e.event.detail.metadata?.eventId ?? `${e.at}`;
        if (seen.has(id)) continue;
        seen.set(id, e);
        lastNew = Date.now();
        const ms = String(e.at - started).padStart(6);
        process.stdout.write(`+${ms} ms  ${e.bus.padEnd(24)} ${e.event.source.padEnd(20)} ${e.event['detail-type'].padEnd(28)} ${id}  -> ${e.rules.join(', ') || '(no rule)'}\n`);
      }
      return [...seen.values()];
    },
  };
}

/** `--day`: plays the module named in package.json config.demoDay as one session. */
async function playDay(http: string, aws: string): Promise<number> {
  const given = option('day-module', '');
  const file = given ? resolve(given) : (projectConfig(projectRoot()).demoDay ?? '');
  if (!file) throw new Error('no day to play: set config.demoDay in package.json (a module whose default export has play(session))');
  const day = ((await import(pathToFileURL(resolve(file)).href)) as { default?: DemoDay | { default?: DemoDay } }).default;
  const scenario = day && 'play' in day ? day : (day as { default?: DemoDay } | undefined)?.default;
  if (!scenario) throw new Error(`${file} has no default export with play(session)`);

  const wait = { timeoutMs: Number(option('wait', '30')) * 1000, onWait: (why: string) => process.stderr.write(`${why}\n`) };
  const tokens = new Map<string, string>();
  const token = async (scope: string): Promise<string> => {
    const cached = tokens.get(scope);
    if (cached) return cached;
    const res = await fetchWhenReady(`${http}/local-auth/token`, { method: 'POST', body: JSON.stringify(scope ? { scope } : {}) }, wait);
    if (!res.ok) throw new Error(`${http}/local-auth/token answered ${res.status}: is this the local cloud of \`npm start\`?`);
    const minted = ((await res.json()) as { token: string }).token;
    tokens.set(scope, minted);
    return minted;
  };
  await token('');

  const correlationId = randomUUID();
  const started = Date.now();
  const printer = eventPrinter(aws, correlationId, started);
  const elapsed = (): string => `+${String(Date.now() - started).padStart(6)} ms`;
  const session: DemoSession = {
    correlationId,
    async call(method, path, body, options = {}) {
      const res = await fetch(`${http}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token(options.scope ?? '')}`, 'content-type': 'application/json', 'x-correlation-id': correlationId },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      process.stdout.write(`${elapsed()}  ${method} ${path} -> ${res.status}\n`);
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async waitFor(detailType, match = () => true, options = {}) {
      const types = typeof detailType === 'string' ? [detailType] : detailType;
      const deadline = Date.now() + (options.timeoutMs ?? 30_000);
      for (;;) {
        const found = (await printer.poll()).filter((e) => types.includes(e.event['detail-type'])).map((e) => (e.event.detail as { data?: Record<string, unknown> }).data ?? {}).filter(match);
        if (found.length >= (options.count ?? 1)) return found;
        if (Date.now() > deadline) throw new Error(`no ${types.join(' or ')} (${found.length}/${options.count ?? 1}) within ${options.timeoutMs ?? 30_000} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    say(line) {
      process.stdout.write(`${elapsed()}  -- ${line}\n`);
    },
  };
  process.stdout.write(`correlation id ${correlationId}\n\n`);
  let failed: unknown;
  // Print events as they come, also while the day waits on a request.
  const ticker = setInterval(() => void printer.poll().catch(() => undefined), 250);
  try {
    await scenario.play(session);
  } catch (error) {
    failed = error;
  } finally {
    clearInterval(ticker);
  }
  // The day's last events (notifications' causes, reporting) may still be on their way.
  while (Date.now() - printer.lastNew() < 1_500) {
    await printer.poll();
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(`\n${printer.seen.size} events with correlation id ${correlationId} in ${Date.now() - started} ms\n`);
  if (failed) process.stderr.write(`demo: the day stopped: ${failed instanceof Error ? failed.message : String(failed)}\n`);
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  const http = option('http', 'http://127.0.0.1:3000');
  const aws = option('aws', 'http://127.0.0.1:4566');
  if (flag('day')) return playDay(http, aws);
  const requestFile = option('request', '') || projectConfig(projectRoot()).demoRequest;
  if (!requestFile) throw new Error('no request to send: pass --request <file.json> or set config.demoRequest in package.json');
  const request = JSON.parse(readFileSync(resolve(requestFile), 'utf8')) as DemoRequest;
  const tokenResponse = await fetchWhenReady(`${http}/local-auth/token`, { method: 'POST', body: '{}' }, {
    timeoutMs: Number(option('wait', '30')) * 1000,
    onWait: (why) => process.stderr.write(`${why}\n`),
  });
  if (!tokenResponse.ok) throw new Error(`${http}/local-auth/token answered ${tokenResponse.status}: is this the local cloud of \`npm start\`?`);
  const { token } = (await tokenResponse.json()) as { token: string };

  const started = Date.now();
  const response = await fetch(`${http}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  const text = await response.text();
  const correlationId = response.headers.get('x-correlation-id');
  process.stdout.write(`${request.method} ${request.path} -> ${response.status} ${text}\n`);
  if (!response.ok || !correlationId) return 1;
  process.stdout.write(`correlation id ${correlationId}\n\n`);

  const expected = request.expect?.events ?? 1;
  // --within overrides the request's own expectation (a loaded machine, a first cold start).
  const deadline = started + Number(option('within', String(request.expect?.withinSeconds ?? 10))) * 1000;
  const seen = new Set<string>();
  let quietSince = Date.now();
  // Print events as they arrive; stop when the expected count is reached and the flow is quiet for a second.
  while (Date.now() < deadline) {
    const { events } = (await (await fetch(`${aws}/local/events?correlationId=${encodeURIComponent(correlationId)}&since=${started}`)).json()) as { events: LoggedEvent[] };
    for (const e of events) {
      const id = e.event.detail.metadata?.eventId ?? `${e.at}`;
      if (seen.has(id)) continue;
      seen.add(id);
      quietSince = Date.now();
      const ms = String(e.at - started).padStart(5);
      process.stdout.write(`+${ms} ms  ${e.bus.padEnd(24)} ${e.event.source.padEnd(20)} ${e.event['detail-type'].padEnd(24)} ${id}  -> ${e.rules.join(', ') || '(no rule)'}\n`);
    }
    if (seen.size >= expected && Date.now() - quietSince > 1000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(`\n${seen.size} events with correlation id ${correlationId}\n`);
  return seen.size >= expected ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
