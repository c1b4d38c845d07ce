import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionRunner } from '../../local/lambda/runner';
import { ROOT } from '../helpers/codegen';

// crash-after-publish is decided once per invocation (the runner arms it when the invocation
// starts), then strikes after the invocation's next PutEvents (the cloud calls
// crashAfterPublish). Per call, a relay publishing a batch in 50 calls would crash on nearly
// every batch at a 5% rate and never drain (seen in the 1,000-instance chaos run).

const plan = { logicalId: 'Sleeper', name: 'sleeper', arn: 'arn:aws:lambda:us-east-1:000000000000:function:sleeper', handler: 'tests/fixtures/local/sleeper.handler', timeoutSeconds: 10, memoryMb: 128, environment: {} };

it('kills an armed invocation after its publish, and leaves an unarmed one alone', async () => {
  const faults: ('crash-after-publish' | undefined)[] = ['crash-after-publish', undefined];
  const runner = new FunctionRunner({ root: ROOT, buildDir: mkdtempSync(join(tmpdir(), 'runner-faults-')), baseEnvironment: {}, fault: () => faults.shift() });
  await runner.load([plan]);
  try {
    const armed = runner.invoke('sleeper', { ms: 1500 });
    await new Promise((r) => setTimeout(r, 300));
    const killed = runner.crashAfterPublish('sleeper');
    const first = await armed;

    const unarmed = runner.invoke('sleeper', { ms: 800 });
    await new Promise((r) => setTimeout(r, 300));
    const spared = runner.crashAfterPublish('sleeper');
    const second = await unarmed;

    expect(killed).toBe(1);
    expect(first).toMatchObject({ ok: false, error: { errorMessage: expect.stringContaining('exited') } });
    expect(spared).toBe(0);
    expect(second).toMatchObject({ ok: true, result: 'done' });
  } finally {
    await runner.stop();
  }
}, 60_000);
