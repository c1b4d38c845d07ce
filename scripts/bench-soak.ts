/**
 * `npm run bench:soak`: the whole platform under a steady load for a while, looking for leaks.
 * The packaged template runs in-process (in memory); the project's demo request (package.json
 * `config.demoRequest`) is sent at a steady rate through the HTTP API, so every event of its
 * flow crosses the outbox, the buses, the queues and the consumers. Every 10 s it samples the
 * RSS of this process (the cloud and its function workers) and of DynamoDB Local's JVM, their
 * open file handles, and the event loop's delay. Verdict: after a warm-up (a fifth of the run,
 * at least 30 s), the RSS of this process and the open handles stay flat within noise, and
 * every request was accepted. DynamoDB Local's RSS is reported, not judged: it runs in memory,
 * so it grows with the data the run writes (event store, outbox, read models, idempotency).
 *
 *   npm run bench:soak                       # 10 minutes at 5 requests/s, figures to BENCHMARKS.md
 *   npm run bench:soak -- --minutes 1        # CI's short version (BENCHMARKS.md untouched)
 *
 * A run shorter than 10 minutes (CI's, a step of .ci/run) reports the RSS but does not judge
 * it: one minute cannot tell a warm-up from growth. It judges what does not depend on timing:
 * every request accepted, open handles back within the limit, no request error and no
 * unhandled rejection in the cloud, and an event loop that never stalled (p99 under 1 s).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LocalCloud } from '../local/runtime';
import { flag, option } from './args';
import { writeBenchSection } from './bench/report';
import { projectConfig } from './project';
import { packageStage } from '../tests/helpers/template';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..');
const MINUTES = Number(option('minutes', '10'));
const RATE = Number(option('rate', '5'));
const SAMPLE_MS = 10_000;
/** Growth allowed between the end of the warm-up and the end: the noise of a GC'd heap and a JVM. */
const RSS_GROWTH_LIMIT = 0.25;
const HANDLE_GROWTH_LIMIT = 20;
/** An event loop stalled this long in a 10 s window is a hang, not noise, on any machine. */
const LAG_P99_LIMIT_MS = 1000;
/** Below this, RSS growth is reported but not judged (see the top). */
const RSS_JUDGED_FROM_MINUTES = 10;

interface Sample {
  atS: number;
  nodeRssMb: number;
  jvmRssMb: number | undefined;
  nodeHandles: number;
  jvmHandles: number | undefined;
  lagP99Ms: number;
  accepted: number;
  refused: number;
  events: number;
}

const handles = (pid: number | 'self'): number | undefined => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
};

const rssMb = (pid: number): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

/** DynamoDB Local's JVM: the child of this process running the jar. */
function jvmPid(): number | undefined {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('DynamoDBLocal')) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

async function main(): Promise<number> {
  const project = projectConfig(ROOT);
  if (!project.demoRequest) throw new Error('package.json config.demoRequest names no request to send');
  const request = JSON.parse(readFileSync(project.demoRequest, 'utf8')) as { method: string; path: string; body?: unknown };
  const dir = join(ROOT, '.test-out', 'bench-soak');
  const template = packageStage('soak', join(dir, 'package'));
  const cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  const token = cloud.issuer.mint({ aud: cloud.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? '' });
  const jvm = jvmPid();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const counts = { accepted: 0, refused: 0 };
  const samples: Sample[] = [];
  const started = Date.now();
  const send = async (): Promise<void> => {
    const res = await fetch(`${cloud.urls.http}${request.path}`, { method: request.method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }) }).catch(() => undefined);
    if (res && res.status < 300) counts.accepted += 1;
    else counts.refused += 1;
    await res?.arrayBuffer();
  };
  const ticker = setInterval(() => void send(), 1000 / RATE);
  const sample = (): void => {
    samples.push({ atS: Math.round((Date.now() - started) / 1000), nodeRssMb: process.memoryUsage().rss / 2 ** 20, jvmRssMb: jvm ? rssMb(jvm) : undefined, nodeHandles: handles('self') ?? 0, jvmHandles: jvm ? handles(jvm) : undefined, lagP99Ms: lag.percentile(99) / 1e6, ...counts, events: cloud.recentEvents().length });
    lag.reset();
    const s = samples[samples.length - 1] as Sample;
    process.stdout.write(`${String(s.atS).padStart(4)} s  node ${s.nodeRssMb.toFixed(0)} MB / ${s.nodeHandles} fds  jvm ${s.jvmRssMb?.toFixed(0) ?? '?'} MB / ${s.jvmHandles ?? '?'} fds  lag p99 ${s.lagP99Ms.toFixed(1)} ms  accepted ${s.accepted}  refused ${s.refused}\n`);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  await new Promise((r) => setTimeout(r, MINUTES * 60_000));
  clearInterval(ticker);
  clearInterval(sampler);
  sample();
  lag.disable();
  const health = { ...cloud.health };
  await cloud.stop();

  const warmUpS = Math.max(30, (MINUTES * 60) / 5);
  const warm = samples.find((s) => s.atS >= warmUpS) ?? (samples[0] as Sample);
  const last = samples[samples.length - 1] as Sample;
  const growth = (a: number | undefined, b: number | undefined): number => (a && b ? (b - a) / a : 0);
  const lagP99 = Math.max(...samples.slice(1).map((s) => s.lagP99Ms));
  const judgeRss = MINUTES >= RSS_JUDGED_FROM_MINUTES;
  const checks = [
    { what: `node RSS ${warm.nodeRssMb.toFixed(0)} -> ${last.nodeRssMb.toFixed(0)} MB${judgeRss ? '' : ' (reported, not judged: too short to tell warm-up from growth)'}`, ok: !judgeRss || growth(warm.nodeRssMb, last.nodeRssMb) <= RSS_GROWTH_LIMIT },
    { what: `DynamoDB Local RSS ${warm.jvmRssMb?.toFixed(0) ?? '?'} -> ${last.jvmRssMb?.toFixed(0) ?? '?'} MB (in memory: grows with the data written; reported, not judged)`, ok: true },
    { what: `open handles ${warm.nodeHandles} -> ${last.nodeHandles} (node), ${warm.jvmHandles ?? '?'} -> ${last.jvmHandles ?? '?'} (JVM)`, ok: last.nodeHandles - warm.nodeHandles <= HANDLE_GROWTH_LIMIT && (last.jvmHandles ?? 0) - (warm.jvmHandles ?? 0) <= HANDLE_GROWTH_LIMIT },
    { what: `${last.accepted} requests accepted, ${last.refused} refused`, ok: last.refused === 0 && last.accepted > 0 },
    { what: `${health.requestErrors} request errors, ${health.unhandledRejections} unhandled rejections in the cloud`, ok: health.requestErrors === 0 && health.unhandledRejections === 0 },
    { what: `worst event-loop delay p99 ${lagP99.toFixed(1)} ms (limit ${LAG_P99_LIMIT_MS} ms)`, ok: lagP99 < LAG_P99_LIMIT_MS },
  ];
  const verdict = checks.map((c) => `- ${c.ok ? 'ok' : 'FAILED'}: ${c.what}`).join('\n');
  process.stdout.write(`\n${verdict}\nworst event-loop delay p99 over a 10 s window: ${lagP99.toFixed(1)} ms\n`);
  if (!flag('no-write') && MINUTES >= 10) {
    const rows = samples.filter((_, i) => i % 6 === 5 || i === samples.length - 1).map((s) => `| ${s.atS} s | ${s.nodeRssMb.toFixed(0)} MB | ${s.jvmRssMb?.toFixed(0) ?? '?'} MB | ${s.nodeHandles} / ${s.jvmHandles ?? '?'} | ${s.lagP99Ms.toFixed(1)} ms | ${s.accepted} |`);
    writeBenchSection(
      ROOT,
      'soak',
      [
        '## Soak (`npm run bench:soak`)',
        '',
        `The whole platform in-process for ${MINUTES} minutes at ${RATE} requests/s (the project's demo request: each one an incident through the outbox, the buses, the queues and every consumer of its flow). Growth is measured from the end of the warm-up (a fifth of the run) to the end; limits: this process's RSS +${RSS_GROWTH_LIMIT * 100}%, handles +${HANDLE_GROWTH_LIMIT}. DynamoDB Local runs in memory, so its RSS grows with the data written and is reported, not judged.`,
        '',
        '| time | node RSS (cloud + function workers) | DynamoDB Local RSS | open handles node / JVM | event-loop delay p99 (10 s window) | requests accepted |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
        verdict,
        `- worst event-loop delay p99 over a 10 s window: ${lagP99.toFixed(1)} ms`,
      ].join('\n'),
    );
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
