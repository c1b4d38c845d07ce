import { createServer, type Server } from 'node:http';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createSchedulerRequestHandler, SchedulerBackend, type ScheduleTarget } from '../../local/scheduler';

export interface Fired {
  at: number;
  target: ScheduleTarget;
  payload: string;
  schedule: string;
}

export interface DeadLettered {
  queue: string;
  payload: string;
  attributes: Record<string, string>;
}

/** A local Scheduler backend whose deliveries are recorded (or refused when `fail` says so). */
export function schedulerHarness(options: { dataDir?: string; fail?: (payload: string) => boolean } = {}): { backend: SchedulerBackend; fired: Fired[]; dead: DeadLettered[] } {
  const fired: Fired[] = [];
  const dead: DeadLettered[] = [];
  const backend = new SchedulerBackend({
    region: 'us-east-1',
    accountId: '000000000000',
    retryBaseMs: 5,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    deliver: async (target, payload, schedule) => {
      if (options.fail?.(payload)) throw Object.assign(new Error('bus refused it'), { code: 'AccessDenied' });
      fired.push({ at: Date.now(), target, payload, schedule: schedule.Name });
    },
    deadLetter: async (queue, payload, attributes) => void dead.push({ queue, payload, attributes }),
  });
  return { backend, fired, dead };
}

/** Serves a backend's Scheduler API on a free port of 127.0.0.1, with a real SDK client for it. */
export async function serveScheduler(backend: SchedulerBackend): Promise<{ client: SchedulerClient; close: () => Promise<void> }> {
  const handler = createSchedulerRequestHandler(backend);
  const server: Server = createServer((req, res) => {
    if (!handler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = new SchedulerClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    client,
    close: async () => {
      client.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
