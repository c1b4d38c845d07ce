import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/codegen';

// `npm run ops` as users run it (tsx scripts/ops.ts): help, and errors as one line without a
// stack trace, exit code 1.

function ops(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'ops.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...clean, NO_COLOR: '1', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('npm run ops (the CLI)', () => {
  it('--help lists every command and how a filtered replay works on AWS', () => {
    const { status, stdout } = ops(['--help']);
    expect(status).toBe(0);
    for (const command of ['replay start', 'replay status', 'replay cancel', 'replay list', 'dlq list', 'dlq peek', 'dlq redrive', 'dlq purge', 'tail', 'trace']) expect(stdout).toContain(command);
    expect(stdout).toContain('detail.metadata.correlationId');
    expect(stdout).toContain('FilterArns');
  });

  it('says there is no local cloud, in one line, exit code 1', async () => {
    const port = await closedPort();
    const { status, stderr, stdout } = ops(['dlq', 'list', '--endpoint', `http://127.0.0.1:${port}`]);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`ops: no local cloud running on http://127.0.0.1:${port}: start one with \`npm start\` (or pass --endpoint <url>), or pass --stage <stage> to work on AWS\n`);
  });

  it('on AWS: names a missing region or missing credentials without asking the SDK', () => {
    expect(ops(['dlq', 'list', '--stage', 'prod'])).toMatchObject({ status: 1, stderr: 'ops: no AWS region: pass --region <region> or set AWS_REGION\n' });
    const home = join(ROOT, '.test-out', `ops-cli-home-${process.pid}`);
    expect(ops(['dlq', 'list', '--stage', 'prod', '--region', 'eu-west-1'], { HOME: home })).toMatchObject({
      status: 1,
      stderr: 'ops: no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or log in with aws sso login; or use --local\n',
    });
  });

  it('names unknown commands and missing arguments', () => {
    expect(ops(['replay', 'stop'])).toMatchObject({ status: 1, stderr: 'ops: replay stop: replay takes start, status, cancel, list (npm run ops -- --help)\n' });
    expect(ops(['redrive'])).toMatchObject({ status: 1, stderr: 'ops: unknown command "redrive": replay, dlq, tail or trace (npm run ops -- --help)\n' });
    expect(ops(['dlq', 'peek', '--max'])).toMatchObject({ status: 1, stderr: 'ops: --max needs a value\n' });
  });
});
