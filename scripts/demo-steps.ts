/**
 * Steps a project's day module (package.json `config.demoDay`, played by `npm run demo -- --day`
 * and by its tests) is written with: an answer checked against the statuses a step expects,
 * and a GET repeated until what it shows is done. Both throw naming the step, so a day that
 * stops says where.
 */
import type { DemoSession } from './demo';

type Body = Record<string, unknown>;

/** The body of `res` when its status is one of `statuses`; otherwise throws naming `step`. */
export function expectStatus(step: string, res: { status: number; body: Body }, ...statuses: number[]): Body {
  if (!statuses.includes(res.status)) throw new Error(`${step}: expected ${statuses.join(' or ')}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** GETs `path` until it answers 200 with a body `done` accepts; throws naming `what` after `timeoutMs`. */
export async function pollGet(session: DemoSession, path: string, done: (body: Body) => boolean, what: string, timeoutMs: number, intervalMs = 300): Promise<Body> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await session.call('GET', path);
    if (res.status === 200 && done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms (last GET ${path}: ${res.status} ${JSON.stringify(res.body)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
