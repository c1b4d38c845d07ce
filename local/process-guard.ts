/**
 * Keeping the local cloud's processes tied to the one that started them, on Linux (`/proc`):
 *
 * - child pid files: a child (DynamoDB Local) is recorded with its owner's pid and its exact
 *   command line; a later start kills a recorded child whose owner is gone, and only if the
 *   process at that pid still has that command line (never a stranger that reused the pid);
 * - `parentDeathSignal`: the child is started under `setpriv --pdeathsig KILL` where that
 *   exists, so the kernel kills it the moment its parent dies, even by SIGKILL;
 * - `watchLaunchers`: `npm start` runs the cloud under npm, a shell and tsx; when one of those
 *   is killed, the cloud notices and stops itself (and its children) instead of living on;
 * - `portHolder`: who listens on a port (pid and command line), for an error that names it.
 *
 * Elsewhere (no `/proc`) each of these degrades to doing nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The command line of a process (`/proc/<pid>/cmdline`, arguments joined by spaces), or undefined when it is gone or unreadable. */
export function commandLine(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`);
    if (raw.length === 0) return undefined;
    return raw.toString('utf8').replace(/\0+$/, '').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** Start time of a process in clock ticks since boot (field 22 of `/proc/<pid>/stat`): with the pid, it names one process, not whatever reuses the pid later. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Whether the process started at `started` still runs at `pid`. */
export function isRunning(pid: number, started: string | undefined): boolean {
  const now = startTime(pid);
  if (now === undefined) {
    // No /proc: fall back to signal 0 (cannot tell pid reuse apart).
    if (existsSync('/proc/self/stat')) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return started === undefined || now === started;
}

/** What a pid file records about a child. */
export interface ChildRecord {
  readonly pid: number;
  readonly startTime?: string;
  readonly commandLine: string;
  readonly ownerPid: number;
  readonly ownerStartTime?: string;
  readonly name: string;
}

/**
 * Records a running child in `dir` (`<name>-<pid>.json`); returns a function that removes
 * the record (call it once the child has been stopped).
 */
export function recordChild(dir: string, name: string, pid: number): () => void {
  const cmd = commandLine(pid);
  if (cmd === undefined) return () => undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${pid}.json`);
  const record: ChildRecord = { pid, commandLine: cmd, ownerPid: process.pid, name, ...optionalStart('startTime', pid), ...optionalStart('ownerStartTime', process.pid) };
  writeFileSync(file, JSON.stringify(record));
  return () => rmSync(file, { force: true });
}

function optionalStart<K extends string>(key: K, pid: number): Partial<Record<K, string>> {
  const value = startTime(pid);
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * Kills the children recorded in `dir` whose owner is gone (an earlier start that was
 * SIGKILLed or crashed) and which still run with the recorded command line; forgets records
 * of children already gone. Children of a live owner (another cloud running now) are left
 * alone. Returns what was killed.
 */
export function reapOrphans(dir: string): ChildRecord[] {
  if (!existsSync(dir)) return [];
  const killed: ChildRecord[] = [];
  for (const entry of readdirSync(dir)) {
    if (!entry.endsWith('.json')) continue;
    const file = join(dir, entry);
    let record: ChildRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as ChildRecord;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (isRunning(record.ownerPid, record.ownerStartTime)) continue;
    const same = isRunning(record.pid, record.startTime) && commandLine(record.pid) === record.commandLine;
    if (same) {
      try {
        process.kill(record.pid, 'SIGKILL');
        killed.push(record);
      } catch {
        // Gone meanwhile, or not ours to kill: nothing to reap.
      }
    }
    rmSync(file, { force: true });
  }
  return killed;
}

/**
 * The command and arguments that start `command` so that the kernel kills it when this
 * process dies (`setpriv --pdeathsig KILL`), or the command as it is where setpriv is missing.
 */
export function parentDeathSignal(command: string, args: readonly string[]): { command: string; args: string[] } {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  return setpriv ? { command: setpriv, args: ['--pdeathsig', 'KILL', '--', command, ...args] } : { command, args: [...args] };
}

/**
 * Whether a process name (`/proc/<pid>/comm`) is one of what launches the cloud: `npm start`
 * -> sh -> tsx (node) -> node. npm renames itself after its command line, which the kernel
 * cuts to 15 characters (`npm start --in-`).
 */
function isLauncher(name: string): boolean {
  return name === 'node' || name === 'sh' || name === 'dash' || name === 'tsx' || name === 'npm' || name.startsWith('npm ') || name.startsWith('npx');
}

/**
 * The chain of launcher processes above this one (nearest first), up to the first process
 * that is not one (the user's shell, a terminal, a test runner's parent...).
 */
export function launchers(): Array<{ pid: number; started: string | undefined; name: string }> {
  const chain: Array<{ pid: number; started: string | undefined; name: string }> = [];
  let pid = parentOf(process.pid);
  while (pid !== undefined && pid > 1 && chain.length < 6) {
    const name = processName(pid);
    if (name === undefined || !isLauncher(name)) break;
    chain.push({ pid, started: startTime(pid), name });
    pid = parentOf(pid);
  }
  return chain;
}

/**
 * Calls `onGone` (once) when a process of `launchers()` is gone: the start script was
 * killed (SIGKILL reaches no handler), and the cloud should stop rather than outlive it.
 * Returns a function that stops watching.
 */
export function watchLaunchers(onGone: (launcher: { pid: number; name: string }) => void, everyMs = 500): () => void {
  const chain = launchers();
  const parent = process.ppid;
  if (chain.length === 0) return () => undefined;
  const timer = setInterval(() => {
    const gone = chain.find((l) => !isRunning(l.pid, l.started)) ?? (process.ppid !== parent ? { pid: parent, name: 'parent' } : undefined);
    if (!gone) return;
    clearInterval(timer);
    onGone(gone);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Who listens on a local TCP port: pid and command line where visible. */
export interface PortHolder {
  readonly pid?: number;
  readonly commandLine?: string;
}

/** The process listening on `port` (IPv4 or IPv6), from `/proc/net/tcp*` and the processes' sockets, else from `ss -ltnp`; undefined when nothing is found. */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size > 0) {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let link: string;
        try {
          link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode !== undefined && inodes.has(inode)) {
          const cmd = commandLine(pid);
          return { pid, ...(cmd !== undefined ? { commandLine: cmd } : {}) };
        }
      }
    }
    return {};
  }
  return fromSs(port);
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // st 0A is LISTEN; the inode is column 10.
      if (local?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9] !== undefined) inodes.add(cols[9]);
    }
  }
  return inodes;
}

function fromSs(port: number): PortHolder | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
    if (out.trim() === '') return undefined;
    const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) return {};
    const cmd = commandLine(pid) ?? /users:\(\("([^"]+)"/.exec(out)?.[1];
    return { pid, ...(cmd !== undefined ? { commandLine: cmd } : {}) };
  } catch {
    return undefined;
  }
}

/** "port 4566 (the AWS endpoint, --aws-port) is in use by pid 123 (node scripts/start.ts ...)". */
export function describePortInUse(port: number, what: string): string {
  const holder = portHolder(port);
  const by =
    holder?.pid !== undefined
      ? `pid ${holder.pid}${holder.commandLine ? ` (${holder.commandLine.length > 200 ? `${holder.commandLine.slice(0, 200)}...` : holder.commandLine})` : ''}`
      : 'another process (not visible to this user)';
  return `port ${port} (${what}) is in use by ${by}; stop that process or choose another port`;
}

/** Thrown when a port the cloud needs is held by another process. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    what: string,
  ) {
    super(describePortInUse(port, what));
    this.name = 'PortInUseError';
  }
}
