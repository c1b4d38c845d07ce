import type { DemoSession } from '../../scripts/demo';
import { expectStatus, pollGet } from '../../scripts/demo-steps';

// The steps day modules are written with (scripts/demo-steps.ts): each failure names its step.

/** A session whose GETs answer from `answers` in turn (the last one repeated). */
function sessionAnswering(answers: { status: number; body: Record<string, unknown> }[]): DemoSession & { calls: string[] } {
  const calls: string[] = [];
  return {
    correlationId: 'c-1',
    calls,
    call: async (method, path) => {
      calls.push(`${method} ${path}`);
      return answers[Math.min(calls.length - 1, answers.length - 1)] as { status: number; body: Record<string, unknown> };
    },
    waitFor: async () => [],
    say: () => undefined,
  };
}

describe('expectStatus', () => {
  it('returns the body for an expected status and names the step otherwise', () => {
    expect(expectStatus('POST /x', { status: 201, body: { id: 'a' } }, 201, 200)).toEqual({ id: 'a' });
    expect(() => expectStatus('POST /x', { status: 409, body: { error: 'taken' } }, 201, 200)).toThrow('POST /x: expected 201 or 200, got 409 {"error":"taken"}');
  });
});

describe('pollGet', () => {
  it('repeats the GET until a 200 body is done', async () => {
    const session = sessionAnswering([{ status: 404, body: {} }, { status: 200, body: { status: 'PENDING' } }, { status: 200, body: { status: 'DONE' } }]);
    expect(await pollGet(session, '/things/1', (b) => b['status'] === 'DONE', 'thing 1 done', 5_000, 1)).toEqual({ status: 'DONE' });
    expect(session.calls).toEqual(['GET /things/1', 'GET /things/1', 'GET /things/1']);
  });

  it('gives up after its time, naming what did not happen and the last answer', async () => {
    const session = sessionAnswering([{ status: 200, body: { status: 'PENDING' } }]);
    await expect(pollGet(session, '/things/2', (b) => b['status'] === 'DONE', 'thing 2 done', 20, 5)).rejects.toThrow('thing 2 done within 20 ms (last GET /things/2: 200 {"status":"PENDING"})');
  });
});
