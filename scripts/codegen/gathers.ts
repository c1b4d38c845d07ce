import type { GatherView } from './emit/docs/flows';
import { messageChecks, type SagaMessageFacts } from './sagas';

/**
 * Scatter-gathers declared in the spec: `x-services.<service>.x-gathers.<name>` (a part's
 * service.yaml `x-gathers`, carried there by assemble.ts), read into GatherModel and
 * checked against the routing, like sagas (sagas.ts):
 * - the trigger and every answer (response or error) reach the orchestrator's queue, and
 *   the deadline is an x-timer event the orchestrator sends and receives;
 * - each request is sent by the orchestrator and received by exactly one other service,
 *   the responder, which sends that request's answers;
 * - an answer type belongs to one responder only (answers are told apart by detail-type).
 * The docs draw each gather on the orchestrator's and responders' pages.
 */

export interface GatherResponderModel {
  name: string;
  request: string;
  service: string;
  response: string[];
  error: string[];
  required: boolean;
}

export interface GatherModel {
  name: string;
  orchestrator: string;
  summary?: string;
  trigger: string;
  deadline: string;
  deadlineSeconds: number;
  responders: GatherResponderModel[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function readGathers(doc: Json, messages: readonly SagaMessageFacts[], issue: (pointer: string, message: string) => void): GatherModel[] {
  const services = isObj(doc['x-services']) ? doc['x-services'] : {};
  const byName = (name: string): SagaMessageFacts | undefined => messages.find((m) => m.name === name || m.key === name);
  const out: GatherModel[] = [];
  for (const [orchestrator, service] of Object.entries(services)) {
    if (!isObj(service) || service['x-gathers'] === undefined) continue;
    const base = `/x-services/${esc(orchestrator)}/x-gathers`;
    if (!isObj(service['x-gathers'])) {
      issue(base, `x-gathers of service ${orchestrator} must be an object of gathers by name`);
      continue;
    }
    for (const [name, raw] of Object.entries(service['x-gathers'])) {
      const at = `${base}/${esc(name)}`;
      const label = `gather ${orchestrator}.${name}`;
      if (!/^[a-z][A-Za-z0-9]{0,39}$/.test(name)) issue(at, `gather name "${name}" must be camelCase letters and digits (1-40)`);
      if (!isObj(raw)) {
        issue(at, `${label} must be an object with trigger, deadline, deadlineSeconds and responders`);
        continue;
      }
      const { message, mustReachOrchestrator, list, command, timer } = messageChecks(label, orchestrator, byName, issue);
      const trigger = message(raw['trigger'], `${at}/trigger`, 'trigger');
      if (trigger) mustReachOrchestrator(trigger, `${at}/trigger`, 'the trigger');
      const deadline = timer(raw['deadline'], `${at}/deadline`, 'deadline');
      const seconds = raw['deadlineSeconds'];
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) issue(`${at}/deadlineSeconds`, `${label}: deadlineSeconds must be a whole number >= 1 (a gather must never wait forever)`);
      if (!isObj(raw['responders']) || !Object.keys(raw['responders']).length) {
        issue(`${at}/responders`, `${label}: responders must be a non-empty object of responders by name`);
        continue;
      }
      const seen = new Map<string, string>();
      const responders: GatherResponderModel[] = [];
      for (const [responder, r] of Object.entries(raw['responders'])) {
        const rp = `${at}/responders/${esc(responder)}`;
        if (!isObj(r)) {
          issue(rp, `${label}: responder ${responder} must be { request, response, error, required }`);
          continue;
        }
        const request = command(r['request'], `${rp}/request`, 'request');
        const answers = (key: 'response' | 'error'): string[] =>
          list(r[key], `${rp}/${key}`, `${key}`, key === 'response').map((m, i) => {
            mustReachOrchestrator(m, `${rp}/${key}/${i}`, `the ${key}`);
            if (request && !m.producers.includes(request.participant)) issue(`${rp}/${key}/${i}`, `${label}: the ${key} ${m.name} of ${responder} must be sent by ${request.participant}, the service that receives ${request.m.name}`);
            const taken = seen.get(m.name);
            if (taken) issue(`${rp}/${key}/${i}`, `${label}: ${m.name} is already an answer of ${taken}: answers are told apart by detail-type`);
            seen.set(m.name, responder);
            return m.name;
          });
        const response = answers('response');
        const error = answers('error');
        if (typeof r['required'] !== 'boolean') issue(`${rp}/required`, `${label}: responder ${responder} must say whether the result needs it (required: true or false)`);
        if (request) responders.push({ name: responder, request: request.m.name, service: request.participant, response, error, required: r['required'] === true });
      }
      const summary = typeof raw['summary'] === 'string' ? raw['summary'] : undefined;
      if (trigger && deadline && typeof seconds === 'number') out.push({ name, orchestrator, ...(summary ? { summary } : {}), trigger: trigger.name, deadline: deadline.name, deadlineSeconds: seconds, responders });
    }
  }
  return out;
}

/** A gather as the docs draw it. */
export function gatherView(g: GatherModel): GatherView {
  return {
    name: g.name,
    orchestrator: g.orchestrator,
    requests: g.responders.map((r) => ({ event: r.request, responders: [r.service], replies: [...r.response, ...r.error] })),
    deadline: `${g.deadlineSeconds} s`,
  };
}
