import type { SagaView } from './emit/docs/flows';

/**
 * Sagas declared in the spec: `x-services.<service>.x-sagas.<name>` (a part's service.yaml
 * `x-sagas`, carried there by assemble.ts). Read into SagaModel and checked against the
 * routing the operations declare, so a saga whose reply would never reach its orchestrator
 * fails codegen instead of waiting for its timeout in production:
 * - the trigger, the abort events, every reply and the timeout event reach the
 *   orchestrator's queue;
 * - every command (and compensation command) is sent by the orchestrator and received by
 *   exactly one other service, its participant; its replies are sent by that participant;
 * - the timeout event is an `x-timer` event the orchestrator sends;
 * - every message is an EventBridge event with the `{ metadata, data }` envelope (the
 *   engine reads `detail.data.sagaId`), and a reply belongs to one step and role only.
 * The typed step map (emit/sagas.ts) is generated from the same model.
 */

export interface SagaStepModel {
  name: string;
  /** Message names (spec keys), as declared. */
  command: string;
  participant: string;
  success: string[];
  failure: string[];
  compensation?: { command: string; reply: string[] };
  timeoutSeconds: number;
}

export interface SagaModel {
  name: string;
  orchestrator: string;
  summary?: string;
  trigger: string;
  timeout: string;
  abortOn: string[];
  steps: SagaStepModel[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** What the saga reader needs of a message. */
export interface SagaMessageFacts {
  name: string;
  key: string;
  envelope: boolean;
  timer?: true;
  eventbridge?: { detailType: string };
  producers: string[];
  consumers: { service: string; queue: string | undefined }[];
}

const SAGA_NAME = /^[a-z][A-Za-z0-9]{0,39}$/;
const STEP_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;

/** Reads and checks every declared saga; each problem goes to `issue` with its JSON pointer. */
export function readSagas(doc: Json, messages: readonly SagaMessageFacts[], issue: (pointer: string, message: string) => void): SagaModel[] {
  const services = isObj(doc['x-services']) ? doc['x-services'] : {};
  const byName = (name: string): SagaMessageFacts | undefined => messages.find((m) => m.name === name || m.key === name);
  const out: SagaModel[] = [];
  for (const [orchestrator, service] of Object.entries(services)) {
    if (!isObj(service) || service['x-sagas'] === undefined) continue;
    const base = `/x-services/${esc(orchestrator)}/x-sagas`;
    if (!isObj(service['x-sagas'])) {
      issue(base, `x-sagas of service ${orchestrator} must be an object of sagas by name`);
      continue;
    }
    for (const [name, raw] of Object.entries(service['x-sagas'])) {
      const at = `${base}/${esc(name)}`;
      if (!SAGA_NAME.test(name)) issue(at, `saga name "${name}" must be camelCase letters and digits (1-40), e.g. "assignment": it names the generated define${name}Saga and the saga ids`);
      if (!isObj(raw)) {
        issue(at, `saga ${name} must be an object with trigger, timeout and steps`);
        continue;
      }
      const saga = readOne(orchestrator, name, raw, at, byName, issue);
      if (saga) out.push(saga);
    }
  }
  return out;
}

/** The checks a declared pattern (saga, gather) makes of the messages it names, reporting to `issue`. */
export function messageChecks(label: string, orchestrator: string, byName: (n: string) => SagaMessageFacts | undefined, issue: (pointer: string, message: string) => void) {
  const receivedHere = (m: SagaMessageFacts): boolean => m.consumers.some((c) => c.service === orchestrator && c.queue !== undefined);
  /** The message a field names, checked to be an enveloped EventBridge event; undefined (and an issue) otherwise. */
  const message = (value: unknown, pointer: string, role: string): SagaMessageFacts | undefined => {
    if (typeof value !== 'string' || !value) {
      issue(pointer, `${label}: ${role} must name a message`);
      return undefined;
    }
    const m = byName(value);
    if (!m) {
      issue(pointer, `${label}: ${role} "${value}" is not a message of the spec`);
      return undefined;
    }
    if (!m.eventbridge || !m.envelope) {
      issue(pointer, `${label}: ${role} ${value} must be an EventBridge event with the { metadata, data } envelope`);
      return undefined;
    }
    return m;
  };
  const mustReachOrchestrator = (m: SagaMessageFacts, pointer: string, role: string): void => {
    if (!receivedHere(m)) issue(pointer, `${label}: ${role} ${m.name} must reach ${orchestrator}'s queue: add it to a receive operation of ${orchestrator}`);
  };
  const list = (value: unknown, pointer: string, role: string, required: boolean): SagaMessageFacts[] => {
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || (required && !value.length)) {
      issue(pointer, `${label}: ${role} must be a${required ? ' non-empty' : 'n'} list of message names`);
      return [];
    }
    return value.flatMap((v, i) => {
      const m = message(v, `${pointer}/${i}`, role);
      return m ? [m] : [];
    });
  };
  /** A message the orchestrator sends to exactly one other service: that service. */
  const command = (value: unknown, pointer: string, role: string): { m: SagaMessageFacts; participant: string } | undefined => {
    const m = message(value, pointer, role);
    if (!m) return undefined;
    if (!m.producers.includes(orchestrator)) issue(pointer, `${label}: ${role} ${m.name} must be sent by ${orchestrator}: add it to a send operation of ${orchestrator}`);
    const participants = [...new Set(m.consumers.filter((c) => c.service !== orchestrator && c.queue !== undefined).map((c) => c.service))];
    if (participants.length !== 1) {
      issue(pointer, `${label}: ${role} ${m.name} must be received by exactly one participant service, ${participants.length ? `got ${participants.join(', ')}` : 'and none receives it'}`);
      return undefined;
    }
    return { m, participant: participants[0] as string };
  };
  /** The timer event of the pattern: an x-timer event the orchestrator sends and receives. */
  const timer = (value: unknown, pointer: string, role: string): SagaMessageFacts | undefined => {
    const m = message(value, pointer, role);
    if (!m) return undefined;
    mustReachOrchestrator(m, pointer, `the ${role} event`);
    if (!m.timer || !m.producers.includes(orchestrator)) issue(pointer, `${label}: the ${role} event ${m.name} must be an x-timer event that ${orchestrator} sends (its timers put it on the bus)`);
    return m;
  };
  return { message, mustReachOrchestrator, list, command, timer };
}

function readOne(orchestrator: string, name: string, raw: Json, at: string, byName: (n: string) => SagaMessageFacts | undefined, issue: (pointer: string, message: string) => void): SagaModel | undefined {
  const label = `saga ${orchestrator}.${name}`;
  const { message, mustReachOrchestrator, list, command, timer } = messageChecks(label, orchestrator, byName, issue);

  const trigger = message(raw['trigger'], `${at}/trigger`, 'trigger');
  if (trigger) mustReachOrchestrator(trigger, `${at}/trigger`, 'the trigger');
  const timeout = timer(raw['timeout'], `${at}/timeout`, 'timeout');
  const abortOn = list(raw['abortOn'], `${at}/abortOn`, 'abortOn', false);
  abortOn.forEach((m, i) => mustReachOrchestrator(m, `${at}/abortOn/${i}`, 'the abort event'));

  if (!Array.isArray(raw['steps']) || !raw['steps'].length) {
    issue(`${at}/steps`, `${label}: steps must be a non-empty list`);
    return undefined;
  }
  const seenReplies = new Map<string, string>();
  const stepNames = new Set<string>();
  const steps: SagaStepModel[] = [];
  raw['steps'].forEach((rawStep, index) => {
    const sp = `${at}/steps/${index}`;
    if (!isObj(rawStep)) {
      issue(sp, `${label}: step ${index} must be an object`);
      return;
    }
    const stepName = typeof rawStep['name'] === 'string' ? rawStep['name'] : '';
    if (!STEP_NAME.test(stepName)) issue(`${sp}/name`, `${label}: step ${index} needs a camelCase name (it keys the generated step map), got ${JSON.stringify(rawStep['name'])}`);
    else if (stepNames.has(stepName)) issue(`${sp}/name`, `${label}: step name "${stepName}" is used twice`);
    stepNames.add(stepName);
    const seconds = rawStep['timeoutSeconds'];
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) issue(`${sp}/timeoutSeconds`, `${label}: step ${stepName || index} needs a whole timeoutSeconds >= 1 (a saga must never wait forever)`);

    /** Replies: each reaches the orchestrator, comes from the participant, and plays one role only. */
    const replies = (value: unknown, pointer: string, role: string, participant: string | undefined, required: boolean): string[] =>
      list(value, pointer, `${role} reply`, required).map((m, i) => {
        mustReachOrchestrator(m, `${pointer}/${i}`, `the ${role} reply`);
        if (participant && !m.producers.includes(participant)) issue(`${pointer}/${i}`, `${label}: the ${role} reply ${m.name} of step ${stepName} must be sent by ${participant}, the service that receives the command`);
        const taken = seenReplies.get(m.name);
        if (taken) issue(`${pointer}/${i}`, `${label}: ${m.name} is already the ${taken}: the engine could not tell which step a reply answers`);
        seenReplies.set(m.name, `${role} reply of step ${stepName}`);
        return m.name;
      });

    const cmd = command(rawStep['command'], `${sp}/command`, 'command');
    const success = replies(rawStep['success'], `${sp}/success`, 'success', cmd?.participant, true);
    const failure = replies(rawStep['failure'], `${sp}/failure`, 'failure', cmd?.participant, false);
    let compensation: SagaStepModel['compensation'];
    if (rawStep['compensation'] !== undefined) {
      const raw = rawStep['compensation'];
      if (!isObj(raw)) issue(`${sp}/compensation`, `${label}: the compensation of step ${stepName} must be { command, reply }`);
      else {
        const comp = command(raw['command'], `${sp}/compensation/command`, 'compensation command');
        if (comp && cmd && comp.participant !== cmd.participant) issue(`${sp}/compensation/command`, `${label}: the compensation ${comp.m.name} of step ${stepName} goes to ${comp.participant}, but the step's command goes to ${cmd.participant}: the service that did the step undoes it`);
        const reply = replies(raw['reply'], `${sp}/compensation/reply`, 'compensation', comp?.participant, true);
        if (comp) compensation = { command: comp.m.name, reply };
      }
    }
    if (cmd && typeof seconds === 'number') steps.push({ name: stepName, command: cmd.m.name, participant: cmd.participant, success, failure, ...(compensation ? { compensation } : {}), timeoutSeconds: seconds });
  });
  if (!trigger || !timeout || steps.length !== raw['steps'].length) return undefined;
  const summary = typeof raw['summary'] === 'string' ? raw['summary'] : undefined;
  return { name, orchestrator, ...(summary ? { summary } : {}), trigger: trigger.name, timeout: timeout.name, abortOn: abortOn.map((m) => m.name), steps };
}

/** A saga as the docs draw it. */
export function sagaView(saga: SagaModel): SagaView {
  return {
    name: saga.name,
    orchestrator: saga.orchestrator,
    steps: saga.steps.map((s) => ({
      command: s.command,
      participant: s.participant,
      replies: [...s.success, ...s.failure],
      ...(s.compensation ? { compensation: s.compensation.command } : {}),
      timeout: `${s.timeoutSeconds} s`,
    })),
  };
}
