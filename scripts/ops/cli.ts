/**
 * The `npm run ops` command line: parsing, help, confirmation and dispatch. `runOps` takes
 * the arguments and an output, so tests run the same commands the CLI does.
 */
import { createInterface } from 'node:readline/promises';
import { dlqList, dlqPeek, dlqPurge, dlqRedrive } from './dlq';
import { describeError, OpsError } from './errors';
import { describeArchive, parseTime, readArchive, replayCancel, replayList, replayStart, replayStatus } from './replay';
import { tail } from './tail';
import { destroyTarget, resolveTarget, type OpsTarget } from './target';
import { trace } from './trace';

export const HELP = `npm run ops -- <command> [options]

Operate the platform: replay from the archive, redrive DLQs, follow events and flows.
Works on the local cloud (\`npm start\`; the default when one is running) and on a deployed
stage on AWS with the same SDK calls. Buses, archives and queues are named as in the
catalog (generated/catalog.json): a bus by its key (core) or name, a queue by its short
name (orders-dlq); the stage adds the rest. Nobody types an ARN.

Where:
  --local                 the local cloud (default unless --stage is given)
  --endpoint <url>        the local cloud's AWS endpoint (default http://127.0.0.1:4566)
  --stage <stage>         a deployed stage on AWS (credentials: AWS_PROFILE or AWS_ACCESS_KEY_ID...)
  --region <region>       its region (default AWS_REGION)

Replay (seed 004's replay CLI):
  replay start --start <time> --end <time> [--archive <bus>] [--event-bus <bus>] [--replay-name <name>] [--wait] [--yes]
      Replays the archive's events of [start, end) to every rule of the bus (StartReplay).
      Times: ISO 8601, epoch ms, now, or -15m / -2h / -1d.
    --detail-type <t> (repeatable) --source <s> (repeatable)
      Only those events: the replay's FilterArns name a temporary rule matching them, which
      sends them to a temporary queue; this command hands each to the targets of the bus's
      rules that match it (as the bus would), stays until the replay is done, then removes
      rule and queue.
    --correlation-id <id>
      Replays one flow: the same, with the temporary rule on detail.metadata.correlationId.
      On AWS this is how it works too: EventBridge replays by time window and FilterArns
      only, so the content filter is a temporary rule (events:PutRule/PutTargets) to a
      temporary queue (sqs:CreateQueue) read by this command, which sends each event to the
      consumers' queues (sqs:SendMessage). The consumers' queue policies accept only their
      own rules, which is why the temporary rule does not target them directly.
    --dry-run
      Lists the events that would be replayed and the consumers (rule -> target) each would
      reach; delivers nothing (the events are read with a replay to the temporary queue only).
  replay status --replay-name <name> [--wait]     state, window, a progress bar with --wait
  replay cancel --replay-name <name>
  replay list

DLQs:
  dlq list                                 every DLQ of the stage: depth, in flight, oldest message age, its source queues
  dlq peek <queue> [--max N] [--errors-since <time>]
      Messages with detail-type, eventId, correlationId, receive count, and the error the
      errors bus recorded for them (locally from the cloud's event log; on AWS, or with
      --errors-since locally, from the archives since then). Messages stay in the DLQ.
  dlq redrive <queue> [--filter <event pattern JSON>] [--rate N] [--to <queue>] [--yes]
      No filter: a message move task (StartMessageMoveTask) back to the source queue.
      A filter: only messages whose event matches the pattern (EventBridge's semantics) go
      back; the others stay in the DLQ, untouched.
  dlq purge <queue> --yes

Live:
  tail [--detail-type X] [--source S] [--correlation-id Y]
      Events as they cross the buses until Ctrl-C. Locally from the cloud's event log; on
      AWS through a temporary rule per bus to a temporary queue, removed on exit.
  trace <correlationId> [--since <time>] [--from log|archive]
      The flow's causal tree (by causationId) with times, routes, the functions that handled
      each event (locally), errors, DLQ messages and saga steps. Locally from the cloud's event
      log (its archives when the log has none, e.g. after a restart); on AWS from the archives
      (since --since, default -24h).

Every command that changes something asks first, or takes --yes.`;

const FLAGS = new Set(['local', 'yes', 'wait', 'dry-run', 'help', 'h']);

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [key, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (FLAGS.has(key)) {
      flags.add(key);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new OpsError(`--${key} needs a value`);
    options.set(key, [...(options.get(key) ?? []), value]);
  }
  return { positionals, options, flags };
}

export interface RunOptions {
  root: string;
  out?: (line: string) => void;
  /** Stops `tail` (the CLI aborts it on SIGINT). */
  signal?: AbortSignal;
  /** Asks a yes/no question; the CLI asks on the terminal. */
  confirm?: (question: string) => Promise<boolean>;
}

async function terminalConfirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Runs one ops command; returns its result (tests read it) and throws OpsError for what the user got wrong. */
export async function runOps(argv: readonly string[], options: RunOptions): Promise<unknown> {
  const args = parseArgs(argv);
  const [command, sub, ...rest] = args.positionals;
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!command || args.flags.has('help') || args.flags.has('h') || command === 'help') {
    out(HELP);
    return undefined;
  }
  const one = (name: string): string | undefined => args.options.get(name)?.at(-1);
  const many = (name: string): string[] => args.options.get(name) ?? [];
  const need = (name: string, usage: string): string => {
    const v = one(name);
    if (!v) throw new OpsError(`--${name} is required: ${usage}`);
    return v;
  };
  const confirm = async (what: string): Promise<void> => {
    if (args.flags.has('yes')) return;
    if (await (options.confirm ?? terminalConfirm)(`${what}?`)) return;
    throw new OpsError(`not confirmed: ${what}. Pass --yes to do it without asking`);
  };
  const subcommands: Record<string, string[] | undefined> = { replay: ['start', 'status', 'cancel', 'list'], dlq: ['list', 'peek', 'redrive', 'purge'], tail: undefined, trace: undefined };
  if (!(command in subcommands)) throw new OpsError(`unknown command "${command}": replay, dlq, tail or trace (npm run ops -- --help)`);
  const known = subcommands[command];
  if (known && !known.includes(sub ?? '')) throw new OpsError(`${command} ${sub ?? ''}: ${command} takes ${known.join(', ')} (npm run ops -- --help)`.replace(`${command} :`, `${command}:`));
  const stage = one('stage');
  const region = one('region');
  const endpoint = one('endpoint');
  const target: OpsTarget = await resolveTarget({
    root: options.root,
    out,
    ...(args.flags.has('local') ? { local: true } : {}),
    ...(stage ? { stage } : {}),
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    const where = target.local ? 'the local cloud' : `stage ${target.stage} (${target.region})`;
    if (command === 'replay') {
      // `--replay-name` (seed 004 says `--replay` for status and cancel; both work), or `replay status <name>`.
      const replayName = one('replay-name') ?? one('replay') ?? (sub === 'start' ? undefined : rest[0]);
      switch (sub) {
        case 'start': {
          const start = parseTime(need('start', 'replay start --start <time> --end <time>'));
          const end = parseTime(one('end') ?? 'now');
          const dryRun = args.flags.has('dry-run');
          const detailTypes = many('detail-type');
          const sources = many('source');
          const correlationId = one('correlation-id');
          const archive = one('archive');
          const eventBus = one('event-bus');
          if (!dryRun) await confirm(`replay ${archive ?? 'the core archive'} ${start.toISOString()} .. ${end.toISOString()} on ${where}`);
          return await replayStart(target, {
            start,
            end,
            dryRun,
            wait: args.flags.has('wait'),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(archive ? { archive } : eventBus ? { archive: eventBus } : {}),
            ...(eventBus ? { eventBus } : {}),
            ...(replayName ? { replayName } : {}),
            ...(detailTypes.length ? { detailTypes } : {}),
            ...(sources.length ? { sources } : {}),
            ...(correlationId ? { correlationId } : {}),
          });
        }
        case 'status':
          return await replayStatus(target, replayName ?? need('replay-name', 'replay status --replay-name <name>'), args.flags.has('wait'));
        case 'cancel':
          return await replayCancel(target, replayName ?? need('replay-name', 'replay cancel --replay-name <name>'));
        case 'list':
          return await replayList(target);
        default:
          throw new OpsError(`replay ${sub ?? ''}: start, status, cancel or list`);
      }
    }
    if (command === 'dlq') {
      const queue = rest[0];
      const needQueue = (): string => {
        if (!queue) throw new OpsError(`dlq ${sub ?? ''} <queue>: which DLQ (npm run ops -- dlq list shows them)`);
        return queue;
      };
      switch (sub) {
        case 'list':
          return await dlqList(target);
        case 'peek': {
          const max = one('max');
          const errorsSince = one('errors-since');
          return await dlqPeek(target, needQueue(), {
            ...(max ? { max: Number(max) } : {}),
            ...(errorsSince
              ? {
                  errors: async () => {
                    const events = [];
                    for (const bus of target.catalog.buses) {
                      const archive = await describeArchive(target, bus.key).catch(() => undefined);
                      if (archive) events.push(...(await readArchive(target, archive, parseTime(errorsSince), new Date(), { detail: { data: { errorCode: [{ exists: true }] } } })));
                    }
                    return events;
                  },
                }
              : {}),
          });
        }
        case 'redrive': {
          const q = needQueue();
          const filter = one('filter');
          const rate = one('rate');
          const to = one('to');
          if (rate !== undefined && !(Number(rate) > 0)) throw new OpsError('--rate is messages per second, a number above 0');
          await confirm(`redrive ${filter ? `the messages of ${q} matching ${filter}` : `every message of ${q}`} on ${where}`);
          return await dlqRedrive(target, q, { ...(filter ? { filter } : {}), ...(rate ? { rate: Number(rate) } : {}), ...(to ? { to } : {}) });
        }
        case 'purge': {
          const q = needQueue();
          if (!args.flags.has('yes')) throw new OpsError(`dlq purge deletes every message of ${q} for good: pass --yes`);
          return await dlqPurge(target, q);
        }
        default:
          throw new OpsError(`dlq ${sub ?? ''}: list, peek, redrive or purge`);
      }
    }
    if (command === 'tail') {
      const controller = new AbortController();
      const signal = options.signal ?? controller.signal;
      const detailTypes = many('detail-type');
      const sources = many('source');
      const correlationId = one('correlation-id');
      return await tail(target, { signal, ...(detailTypes.length ? { detailTypes } : {}), ...(sources.length ? { sources } : {}), ...(correlationId ? { correlationId } : {}) });
    }
    const correlationId = sub;
    if (!correlationId) throw new OpsError('trace <correlationId>: whose flow (the x-correlation-id header of the request, or an event\'s metadata.correlationId)');
    const since = one('since');
    const from = one('from');
    if (from !== undefined && from !== 'log' && from !== 'archive') throw new OpsError('--from is log (the local cloud\'s event log) or archive');
    return await trace(target, correlationId, { ...(since ? { since: parseTime(since) } : {}), ...(from ? { from } : {}) });
  } finally {
    destroyTarget(target);
  }
}

/** The CLI: exit code 0, 1 for an error the user can fix (one line on stderr, no stack), 2 for anything else. */
export async function main(argv: readonly string[], root: string): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  });
  try {
    await runOps(argv, { root, signal: controller.signal });
    return 0;
  } catch (error) {
    process.stderr.write(`ops: ${describeError(error)}\n`);
    return error instanceof OpsError ? 1 : 2;
  }
}
