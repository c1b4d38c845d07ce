import type { SpecModel } from '../../model';
import { slug } from './html';
import { gatherView } from '../../gathers';
import { sagaView } from '../../sagas';

/**
 * Flows as the spec implies them. The spec has no causation extension, but every receive
 * operation (and every HTTP command) says in its summary or description which events its
 * service publishes in reaction ("reply VendorReserved or VendorReservationFailed",
 * "publishes OfferExpired"). A cause is such a mention of an event its own service
 * sends; chaining causes from the events nothing causes gives the flows.
 */

/** One arrow of a sequence diagram. */
export interface SequenceStep {
  from: string;
  to: string;
  label: string;
  /** Page of the message the arrow carries (relative to the site root), when it is an event. */
  href?: string;
  /** A reply, a compensation or a fan-in: drawn dashed. */
  dashed?: boolean;
  /** Consumers that also receive the event but take no part in the flow. */
  note?: string;
}

export interface FlowView {
  name: string;
  slug: string;
  /** The event or HTTP command that starts the flow. */
  trigger: string;
  description: string;
  participants: string[];
  steps: SequenceStep[];
  /** Events of the flow, in order. */
  events: string[];
}

/** A saga as the docs draw it (from the spec's x-sagas, scripts/codegen/sagas.ts). */
export interface SagaView {
  name: string;
  orchestrator: string;
  steps: { command: string; participant: string; replies: string[]; compensation?: string; timeout?: string }[];
}

/** A scatter-gather as the docs draw it (from the spec's x-gathers, scripts/codegen/gathers.ts). */
export interface GatherView {
  name: string;
  orchestrator: string;
  requests: { event: string; responders: string[]; replies: string[] }[];
  deadline?: string;
}

export interface Cause {
  /** Message name, or `command:<Name>` for an HTTP command. */
  from: string;
  service: string;
  operationId?: string;
  to: string[];
}

const word = (text: string, name: string): boolean => new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`).test(text);

/**
 * Every cause the spec states: (message or command, service) -> events that service sends
 * and names in the operation's (or command schema's) summary and description.
 */
export function causesOf(model: SpecModel, operationText: (id: string) => string): Cause[] {
  const sent = (service: string): string[] => model.services.find((s) => s.name === service)?.sends ?? [];
  const mentioned = (service: string, text: string, except: string[]): string[] => sent(service).filter((m) => !except.includes(m) && word(text, m));
  const causes: Cause[] = [];
  for (const op of model.operations) {
    if (op.action !== 'receive') continue;
    const text = operationText(op.id);
    for (const message of op.messages) {
      const to = mentioned(op.service, text, [message]);
      if (to.length) causes.push({ from: message, service: op.service, operationId: op.id, to });
    }
  }
  for (const c of model.commands) {
    if (!c.http) continue;
    const schema = model.definitions[c.typeName];
    const text = typeof schema === 'object' && typeof schema['description'] === 'string' ? schema['description'] : '';
    const to = mentioned(c.http.service, text, []);
    if (to.length) causes.push({ from: `command:${c.name}`, service: c.http.service, to });
  }
  return causes;
}

const producerOf = (model: SpecModel, event: string): string => model.messages.find((m) => m.name === event)?.producers[0] ?? 'unknown';

/** The flow that starts at `trigger`, breadth first through the causes, each event once. */
function flowFrom(model: SpecModel, causes: Cause[], trigger: string, start: { from: string; to: string; label: string; events: string[] }): Omit<FlowView, 'name' | 'slug' | 'description'> {
  const steps: SequenceStep[] = [];
  const participants: string[] = [];
  const meet = (p: string): void => {
    if (!participants.includes(p)) participants.push(p);
  };
  meet(start.from);
  meet(start.to);
  steps.push({ from: start.from, to: start.to, label: start.label });
  const queue = [...start.events];
  const seen = new Set(queue);
  const events: string[] = [];
  while (queue.length) {
    const event = queue.shift() as string;
    events.push(event);
    const message = model.messages.find((m) => m.name === event);
    const from = producerOf(model, event);
    meet(from);
    const reacting = causes.filter((c) => c.from === event);
    const reactors = [...new Set(reacting.map((c) => c.service))];
    const others = [...new Set((message?.consumers ?? []).map((c) => c.service))].filter((s) => !reactors.includes(s));
    // A dead end keeps its consumers on the diagram when they are few or already drawn.
    const drawn = reactors.length ? reactors : others.filter((s) => participants.includes(s) || others.length <= 2);
    const noted = others.filter((s) => !drawn.includes(s));
    const note = noted.length ? `also to ${noted.join(', ')}` : undefined;
    if (!drawn.length) steps.push({ from, to: from, label: event, href: `events/${slug(event)}.html`, ...(note ? { note } : {}) });
    drawn.forEach((to, i) => {
      meet(to);
      steps.push({ from, to, label: event, href: `events/${slug(event)}.html`, ...(i === 0 && note ? { note } : {}) });
    });
    for (const c of reacting) {
      for (const next of c.to) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return { trigger, participants, steps, events };
}

/**
 * The flows: one per HTTP command that causes events, then one per event that causes
 * others but is caused by nothing (and is not already part of a command's flow).
 */
export function deriveFlows(model: SpecModel, causes: Cause[]): FlowView[] {
  const flows: FlowView[] = [];
  const covered = new Set<string>();
  const used = new Set<string>();
  const add = (name: string, description: string, flow: Omit<FlowView, 'name' | 'slug' | 'description'>): void => {
    let s = slug(name);
    for (let i = 2; used.has(s); i += 1) s = `${slug(name)}-${i}`;
    used.add(s);
    flow.events.forEach((e) => covered.add(e));
    flows.push({ name, slug: s, description, ...flow });
  };
  for (const c of causes.filter((x) => x.from.startsWith('command:'))) {
    const name = c.from.slice('command:'.length);
    const http = model.commands.find((x) => x.name === name)?.http;
    const label = http ? `${http.method} ${http.path}` : name;
    add(name, `Starts with the HTTP command ${label} (${name}).`, flowFrom(model, causes, name, { from: 'client', to: c.service, label, events: c.to }));
  }
  const caused = new Set(causes.flatMap((c) => c.to));
  const roots = [...new Set(causes.map((c) => c.from))].filter((e) => !e.startsWith('command:') && !caused.has(e) && !covered.has(e));
  for (const root of roots) {
    const from = producerOf(model, root);
    const flow = flowFrom(model, causes, root, { from, to: from, label: `publishes ${root}`, events: [root] });
    // The opening self-arrow adds nothing when the flow starts with an event.
    flow.steps.shift();
    add(root, `Starts when ${from} publishes ${root}.`, flow);
  }
  return flows;
}

/** The sagas and scatter-gathers the model declares (checked by codegen), as the docs draw them. */
export function declaredPatterns(model: SpecModel): { sagas: SagaView[]; gathers: GatherView[] } {
  return { sagas: model.sagas.map(sagaView), gathers: model.gathers.map(gatherView) };
}

/** The sequence of a saga: each command and its replies, then the compensations in reverse order. */
export function sagaSteps(saga: SagaView): SequenceStep[] {
  const steps: SequenceStep[] = [];
  for (const s of saga.steps) {
    steps.push({ from: saga.orchestrator, to: s.participant, label: s.command, href: `events/${slug(s.command)}.html`, ...(s.timeout ? { note: `times out after ${s.timeout}` } : {}) });
    for (const r of s.replies) steps.push({ from: s.participant, to: saga.orchestrator, label: r, href: `events/${slug(r)}.html`, dashed: true });
  }
  for (const s of [...saga.steps].reverse()) {
    if (s.compensation) steps.push({ from: saga.orchestrator, to: s.participant, label: `compensate: ${s.compensation}`, href: `events/${slug(s.compensation)}.html`, dashed: true });
  }
  return steps;
}

/** The sequence of a scatter-gather: every request fanned out, then every reply gathered. */
export function gatherSteps(gather: GatherView): SequenceStep[] {
  const out: SequenceStep[] = gather.requests.flatMap((r) => r.responders.map((to) => ({ from: gather.orchestrator, to, label: r.event, href: `events/${slug(r.event)}.html` })));
  for (const r of gather.requests) for (const from of r.responders) for (const reply of r.replies) out.push({ from, to: gather.orchestrator, label: reply, href: `events/${slug(reply)}.html`, dashed: true });
  return out;
}
