/**
 * `npm run demo`: against a running `npm start`, sends one HTTP request (a JSON file:
 * method, path, body) with a dev token, then follows its correlation id through the
 * local buses and prints every event of the flow in order, with the time from the request.
 *
 *   npm run demo                                   # the request package.json's config.demoRequest names
 *   npm run demo -- --request my-request.json --http http://127.0.0.1:3000 --aws http://127.0.0.1:4566
 *   npm run demo -- --wait 60      # seconds to wait for a local cloud still starting (default 30)
 *   npm run demo -- --within 30    # seconds the flow may take (default: the request's expect.withinSeconds, else 10)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { option } from './args';
import { fetchWhenReady } from './local-endpoint';
import { projectConfig } from './project';

interface DemoRequest {
  method: string;
  path: string;
  body?: unknown;
  expect?: { events?: number; withinSeconds?: number };
}

interface LoggedEvent {
  at: number;
  bus: string;
  rules: string[];
  event: { source: string; 'detail-type': string; detail: { metadata?: { eventId?: string; correlationId?: string; producer?: string } } };
}

async function main(): Promise<number> {
  const http = option('http', 'http://127.0.0.1:3000');
  const aws = option('aws', 'http://127.0.0.1:4566');
  const requestFile = option('request', '') || projectConfig().demoRequest;
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
