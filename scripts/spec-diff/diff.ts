import { compareSchemas, schemaKey, SCHEMA_RULES, type SchemaChange } from './rules';
import type { MessageInfo, Mode, OperationInfo, SpecSnapshot } from './load';

// Compares two snapshots of a spec: every message's payload and headers and every HTTP
// command's body with the schema rules (./rules), then the spec-level contract: routing
// (source, detail-type, bus), who receives what on which queue, and who produces it.

export type Verdict = 'compatible' | 'breaking';

export interface Finding {
  kind: 'message' | 'command' | 'spec';
  /** Message or command name. */
  subject: string;
  /** JSON pointer inside the subject: /payload/..., /headers/..., the command body, or a spec field. */
  path: string;
  rule: string;
  /** For readers on the new schema, of data written with the old one (consumers upgrading first). */
  backward: Verdict;
  /** For readers on the old schema, of data written with the new one (producers upgrading first). */
  forward: Verdict;
  mode: Mode;
  /** The verdict under `mode`. */
  verdict: Verdict;
  /** Whether this finding fails the gate. */
  gating: boolean;
  detail: string;
  /** The older version compared against, when not the subject itself in the base (new versions, transitive modes). */
  against?: string;
  /** What the examples say (./empirical). */
  evidence?: string;
}

export interface DiffResult {
  base: string;
  head: string;
  findings: Finding[];
  failed: boolean;
  /** What to do, one line per subject that fails the gate. */
  advice: string[];
  compared: { messages: number; commands: number };
}

export const SPEC_RULES = {
  'message-added': { backward: true, forward: true, summary: 'a message was added' },
  'new-version-added': { backward: true, forward: true, summary: 'a new version of a message family was added beside the old one' },
  'message-deprecated': { backward: true, forward: true, summary: 'a message was marked x-deprecated' },
  'message-removed': { backward: true, forward: true, summary: 'a message nobody received was removed' },
  'message-removed-while-received': { backward: false, forward: false, summary: 'a message was removed while a service received it' },
  'source-changed': { backward: false, forward: false, summary: "a message's EventBridge source changed: rules matching the old source no longer route it" },
  'detail-type-changed': { backward: false, forward: false, summary: "a message's EventBridge detail-type changed: rules matching the old one no longer route it" },
  'bus-changed': { backward: false, forward: false, summary: 'a message moved to another bus: rules of the old bus no longer see it' },
  'queue-lost-event': { backward: false, forward: false, summary: 'a queue no longer receives an event it received' },
  'receive-added': { backward: true, forward: true, summary: 'a receive operation was added' },
  'receive-filter-changed': { backward: true, forward: true, summary: "a receive operation's EventBridge filter changed: review which events still reach the queue" },
  'receive-without-producer': { backward: false, forward: false, summary: 'a receive operation was added for a message no service sends' },
  'producer-removed': { backward: false, forward: false, summary: 'the last send operation of a message was removed while services still receive it' },
  'mode-changed': { backward: true, forward: true, summary: "a message's x-compatibility mode changed" },
  'command-added': { backward: true, forward: true, summary: 'an HTTP command was added' },
  'command-removed': { backward: false, forward: false, summary: 'an HTTP command was removed: clients sending it get errors' },
  'http-route-changed': { backward: false, forward: false, summary: "an HTTP command's method or path changed (or its route was dropped)" },
  'http-route-added': { backward: true, forward: true, summary: 'a command without a route got one (x-http)' },
  'example-contradicts-rules': { backward: false, forward: false, summary: 'an example is rejected although no rule predicted a break (the verdict follows the data)' },
} as const;

const v = (ok: boolean): Verdict => (ok ? 'compatible' : 'breaking');

export function baseMode(mode: Mode): 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE' {
  return mode.replace('_TRANSITIVE', '') as 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';
}
export const isTransitive = (mode: Mode): boolean => mode.endsWith('_TRANSITIVE');

export function verdictUnder(mode: Mode, backward: boolean, forward: boolean): Verdict {
  switch (baseMode(mode)) {
    case 'BACKWARD':
      return v(backward);
    case 'FORWARD':
      return v(forward);
    case 'FULL':
      return v(backward && forward);
    default:
      return 'compatible';
  }
}

class Collector {
  readonly findings: Finding[] = [];

  add(kind: Finding['kind'], subject: string, path: string, rule: string, backward: boolean, forward: boolean, mode: Mode, detail: string, extra: { gating?: boolean; against?: string } = {}): Finding {
    const verdict = verdictUnder(mode, backward, forward);
    const finding: Finding = {
      kind,
      subject,
      path: path || '/',
      rule,
      backward: v(backward),
      forward: v(forward),
      mode,
      verdict,
      gating: extra.gating ?? verdict === 'breaking',
      detail,
      ...(extra.against ? { against: extra.against } : {}),
    };
    this.findings.push(finding);
    return finding;
  }

  spec(kind: Finding['kind'], subject: string, path: string, rule: keyof typeof SPEC_RULES, mode: Mode, detail: string): Finding {
    const r = SPEC_RULES[rule];
    // Spec-level breaks hold in every mode but NONE.
    const breaking = !r.backward || !r.forward;
    const finding = this.add(kind, subject, path, rule, r.backward, r.forward, mode, detail);
    if (breaking && mode !== 'NONE') {
      finding.verdict = 'breaking';
      finding.gating = true;
    }
    return finding;
  }

  schema(kind: Finding['kind'], subject: string, changes: SchemaChange[], mode: Mode, extra: { against?: string; allowed?: string } = {}): void {
    for (const c of changes) {
      const verdict = verdictUnder(mode, c.backward, c.forward);
      const gating = verdict === 'breaking' && !extra.allowed;
      this.add(kind, subject, c.path, c.rule, c.backward, c.forward, mode, `${c.detail}${verdict === 'breaking' && extra.allowed ? ` (${extra.allowed})` : ''}`, {
        gating,
        ...(extra.against ? { against: extra.against } : {}),
      });
    }
  }
}

function messageChanges(oldM: MessageInfo, newM: MessageInfo): SchemaChange[] {
  return [...compareSchemas(oldM.payload, newM.payload, '/payload'), ...compareSchemas(oldM.headers, newM.headers, '/headers')];
}

/** Queue key of a receive operation: its SQS queue, else its service, else its id. */
const queueOf = (op: OperationInfo): string => op.queue ?? (op.service ? `service ${op.service}` : `operation ${op.id}`);

function receivesByQueue(spec: SpecSnapshot): Map<string, Map<string, OperationInfo>> {
  const out = new Map<string, Map<string, OperationInfo>>();
  for (const op of spec.operations) {
    if (op.action !== 'receive') continue;
    const queue = queueOf(op);
    const map = out.get(queue) ?? new Map<string, OperationInfo>();
    for (const m of op.messages) map.set(m, op);
    out.set(queue, map);
  }
  return out;
}

const senders = (spec: SpecSnapshot, message: string): OperationInfo[] => spec.operations.filter((op) => op.action === 'send' && op.messages.includes(message));

/** The name a next version of `family` would take: <family>V<highest major + 1>. */
export function nextVersionName(spec: SpecSnapshot, familyName: string): { name: string; version: string } {
  let major = 1;
  for (const m of spec.messages.values()) if (m.family === familyName) major = Math.max(major, m.major);
  return { name: `${familyName}V${major + 1}`, version: `${major + 1}.0` };
}

export function diffSpecs(base: SpecSnapshot, head: SpecSnapshot): DiffResult {
  const c = new Collector();
  const modeOf = (name: string): Mode => head.messages.get(name)?.compatibility ?? base.messages.get(name)?.compatibility ?? 'BACKWARD';

  for (const m of head.messages.values()) {
    const old = base.messages.get(m.name);
    if (old) {
      if (old.compatibility !== m.compatibility) c.spec('message', m.name, '/x-compatibility', 'mode-changed', m.compatibility, `x-compatibility ${old.compatibility} -> ${m.compatibility}`);
      if (schemaKey(old.payload) !== schemaKey(m.payload) || schemaKey(old.headers) !== schemaKey(m.headers)) c.schema('message', m.name, messageChanges(old, m), m.compatibility);
      const ob = old.eventbridge ?? {};
      const nb = m.eventbridge ?? {};
      if (ob.source !== nb.source) c.spec('message', m.name, '/x-eventbridge/source', 'source-changed', m.compatibility, `source ${ob.source ?? '(none)'} -> ${nb.source ?? '(none)'}`);
      if (ob.detailType !== nb.detailType) c.spec('message', m.name, '/x-eventbridge/detailType', 'detail-type-changed', m.compatibility, `detail-type ${ob.detailType ?? '(none)'} -> ${nb.detailType ?? '(none)'}`);
      if (ob.bus !== nb.bus) c.spec('message', m.name, '/x-eventbridge/bus', 'bus-changed', m.compatibility, `bus ${ob.bus ?? '(none)'} -> ${nb.bus ?? '(none)'}`);
      if (!old.deprecated && m.deprecated) c.spec('message', m.name, '/x-deprecated', 'message-deprecated', m.compatibility, 'marked x-deprecated');
      // Transitive modes: every older version of the family must stay readable too.
      if (isTransitive(m.compatibility)) {
        for (const older of base.messages.values()) {
          if (older.name === m.name || older.family !== m.family || older.major > m.major) continue;
          c.schema('message', m.name, messageChanges(older, m), m.compatibility, { against: older.name });
        }
      }
      continue;
    }
    const olderVersions = [...base.messages.values()].filter((o) => o.family === m.family && o.name !== m.name);
    if (!olderVersions.length) {
      c.spec('message', m.name, '/', 'message-added', m.compatibility, `new message${m.version ? ` (x-version ${m.version})` : ''}`);
      continue;
    }
    const latest = olderVersions.reduce((a, b) => (b.major > a.major ? b : a));
    c.spec('message', m.name, '/', 'new-version-added', m.compatibility, `version ${m.version ?? m.major} of ${m.family}, beside ${olderVersions.map((o) => `${o.name} (${o.version ?? o.major})`).join(', ')}`);
    // A new version may break its predecessor (that is what versions are for), unless the
    // family promises transitive compatibility.
    const against = isTransitive(m.compatibility) ? olderVersions : [latest];
    for (const older of against) {
      c.schema('message', m.name, messageChanges(older, m), m.compatibility, {
        against: older.name,
        ...(isTransitive(m.compatibility) ? {} : { allowed: `allowed: ${m.name} is a new version beside ${older.name}` }),
      });
    }
  }

  const baseQueues = receivesByQueue(base);
  const headQueues = receivesByQueue(head);
  for (const old of base.messages.values()) {
    if (head.messages.has(old.name)) continue;
    const receivers = [...baseQueues.entries()].filter(([, ms]) => ms.has(old.name)).map(([q]) => q);
    if (receivers.length) c.spec('message', old.name, '/', 'message-removed-while-received', old.compatibility, `removed, but ${receivers.join(', ')} received it`);
    else c.spec('message', old.name, '/', 'message-removed', old.compatibility, `removed${old.deprecated ? ' (it was deprecated)' : ''}`);
  }

  for (const [queue, messages] of baseQueues) {
    const now = headQueues.get(queue);
    for (const [name, op] of messages) {
      if (!head.messages.has(name)) continue; // reported as message-removed-while-received
      const headOp = now?.get(name);
      if (!headOp) {
        c.spec('spec', name, `/operations/${op.id}`, 'queue-lost-event', modeOf(name), `${queue} no longer receives ${name}${now ? '' : ' (the queue is gone)'}`);
        continue;
      }
      if (schemaKey(op.filter) !== schemaKey(headOp.filter)) c.spec('spec', name, `/operations/${headOp.id}/x-eventbridge-filter`, 'receive-filter-changed', modeOf(name), `${queue}: filter ${JSON.stringify(op.filter ?? null)} -> ${JSON.stringify(headOp.filter ?? null)}`);
    }
  }
  for (const [queue, messages] of headQueues) {
    const before = baseQueues.get(queue);
    for (const [name, op] of messages) {
      const producers = senders(head, name);
      if (before?.has(name)) {
        if (!producers.length && senders(base, name).length) c.spec('spec', name, `/operations/${op.id}`, 'producer-removed', modeOf(name), `${queue} still receives ${name}, but no service sends it any more`);
        continue;
      }
      if (!producers.length) c.spec('spec', name, `/operations/${op.id}`, 'receive-without-producer', modeOf(name), `${queue} now receives ${name}, which no send operation produces`);
      else c.spec('spec', name, `/operations/${op.id}`, 'receive-added', modeOf(name), `${queue} now receives ${name} (sent by ${producers.map((p) => p.service ?? p.id).join(', ')})`);
    }
  }

  for (const cmd of head.commands.values()) {
    const old = base.commands.get(cmd.name);
    if (!old) {
      c.spec('command', cmd.name, '/', 'command-added', cmd.compatibility, `new command${cmd.method ? ` ${cmd.method} ${cmd.path ?? ''}` : ''}`);
      continue;
    }
    if (!old.method && !old.path && (cmd.method || cmd.path)) c.spec('command', cmd.name, '/x-http', 'http-route-added', cmd.compatibility, `now served at ${cmd.method ?? '?'} ${cmd.path ?? '?'}`);
    else if (old.method !== cmd.method || old.path !== cmd.path) c.spec('command', cmd.name, '/x-http', 'http-route-changed', cmd.compatibility, `${old.method ?? '?'} ${old.path ?? '?'} -> ${cmd.method ?? '?'} ${cmd.path ?? '?'}`);
    if (schemaKey(old.schema) !== schemaKey(cmd.schema)) c.schema('command', cmd.name, compareSchemas(old.schema, cmd.schema, ''), cmd.compatibility);
  }
  for (const old of base.commands.values()) {
    if (!head.commands.has(old.name)) c.spec('command', old.name, '/', 'command-removed', old.compatibility, `removed${old.method ? ` (${old.method} ${old.path ?? ''})` : ''}`);
  }

  const findings = sortFindings(c.findings);
  return { base: base.label, head: head.label, findings, failed: findings.some((f) => f.gating), advice: advise(findings, base, head), compared: { messages: head.messages.size, commands: head.commands.size } };
}

/** Whether any message payload or headers, or command body, differs (the example check has work). */
export function schemasChanged(base: SpecSnapshot, head: SpecSnapshot): boolean {
  for (const m of head.messages.values()) {
    const old = base.messages.get(m.name);
    if (old && (schemaKey(old.payload) !== schemaKey(m.payload) || schemaKey(old.headers) !== schemaKey(m.headers))) return true;
  }
  for (const c of head.commands.values()) {
    const old = base.commands.get(c.name);
    if (old && schemaKey(old.schema) !== schemaKey(c.schema)) return true;
  }
  return false;
}

/** By subject, then path, then rule: a stable order for reports and tools. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.subject.localeCompare(b.subject) || a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule) || (a.against ?? '').localeCompare(b.against ?? ''));
}

/** One line per subject that fails the gate: what to do instead. */
export function advise(findings: Finding[], base: SpecSnapshot, head: SpecSnapshot): string[] {
  const out: string[] = [];
  const bySubject = new Map<string, Finding[]>();
  for (const f of findings) if (f.gating) bySubject.set(`${f.kind}\u0000${f.subject}`, [...(bySubject.get(`${f.kind}\u0000${f.subject}`) ?? []), f]);
  for (const [key, list] of bySubject) {
    const [kind, subject] = key.split('\u0000') as [Finding['kind'], string];
    const mode = list[0]?.mode ?? 'BACKWARD';
    const rules = [...new Set(list.map((f) => f.rule))].join(', ');
    if (kind === 'command') {
      out.push(`${subject}: ${list.length} breaking change(s) under ${mode} (${rules}). Keep ${subject} as it was and add the new body as a new command on a new path (or accept both shapes), then retire the old one; or set x-compatibility: NONE on the command if no client sends the old shape.`);
      continue;
    }
    const message = head.messages.get(subject) ?? base.messages.get(subject);
    const schemaBreak = list.some((f) => f.rule in SCHEMA_RULES || f.rule === 'example-contradicts-rules');
    const routing = list.filter((f) => ['source-changed', 'detail-type-changed', 'bus-changed'].includes(f.rule));
    const parts: string[] = [];
    if (schemaBreak || routing.length) {
      const family = message?.family ?? subject;
      const next = nextVersionName(head, family);
      const transitive = list.some((f) => f.against && isTransitive(f.mode));
      if (transitive) {
        parts.push(`${subject} is ${mode}: every version of ${family} must stay compatible with every earlier one, so this change cannot ship as a version of ${family}; make it compatible, or relax x-compatibility (e.g. ${baseMode(mode)}) if older versions no longer need to be read`);
      } else {
        parts.push(
          `do not change ${subject} in place: add a new version of the message (a new message ${next.name}, x-version '${next.version}', same ${routing.length ? 'family' : 'source and detail-type or family name'}) with the new ${routing.length ? 'routing' : 'schema'}, keep ${subject} exactly as in the base and publish both during the transition, mark ${subject} x-deprecated: true, and remove it once no consumer needs it`,
        );
      }
    }
    for (const f of list) {
      if (f.rule === 'message-removed-while-received') parts.push(`restore ${subject} (mark it x-deprecated: true instead), and remove it only after no service receives it`);
      if (f.rule === 'queue-lost-event') parts.push(`${f.detail}: keep the receive operation until its consumer no longer needs the event, or set x-compatibility: NONE on ${subject} if this is deliberate`);
      if (f.rule === 'receive-without-producer') parts.push(`${f.detail}: add the send operation to the producing service (its service.yaml \`sends\`) or drop the receive`);
      if (f.rule === 'producer-removed') parts.push(`${f.detail}: keep a producer or remove the receives first`);
    }
    out.push(`${subject}: breaking under ${mode} (${rules}): ${[...new Set(parts)].join('; ')}.`);
  }
  return out;
}
