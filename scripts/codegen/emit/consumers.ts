import { validatorImport } from './validators';
import type { MessageModel, QueueModel, SpecModel } from '../model';
import type { UpcastChain, UpcastStep } from '../versions';
import { importPath, kebabCase, lit, pascalCase, valueName } from '../naming';
import { ebSends } from './publishers';
import { runtimeImport, TS_HEADER, type Emitter, type GeneratedFile } from './types';

/**
 * Convention: the bus with this key in `servers` is the errors bus. A service that sends
 * exactly one message on it gets that message's builder as its consumers' `errorEvent`
 * (rejected records are published there); otherwise rejected records go to the DLQ.
 */
export const ERRORS_BUS_KEY = 'errors';

/** The message a service sends on the errors bus, if exactly one. */
export function errorEventOf(model: SpecModel, service: string): MessageModel | undefined {
  const candidates = ebSends(model, service).filter((m) => m.eventbridge?.bus === ERRORS_BUS_KEY);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The spec's message of this name (names come from the model itself, so it exists). */
export const messageNamed = (model: SpecModel, name: string): MessageModel => model.messages.find((m) => m.name === name) as MessageModel;

export function queueMessages(model: SpecModel, queue: QueueModel): MessageModel[] {
  return queue.messages.map(({ message }) => messageNamed(model, message)).filter((m) => m.typeName);
}

/** The upcaster chains of a queue that receives older versions of an event (none for most queues). */
export function queueUpcasts(model: SpecModel, queue: QueueModel): UpcastChain[] {
  return model.upcasts.find((u) => u.queue === queue.name)?.chains ?? [];
}

/** Every distinct step of a queue's chains, in chain order: one upcaster each, keyed by the version it reads. */
export function upcastSteps(chains: readonly UpcastChain[]): UpcastStep[] {
  const steps = new Map<string, UpcastStep>();
  for (const chain of chains) for (const step of chain.steps) if (!steps.has(step.from)) steps.set(step.from, step);
  return [...steps.values()].sort((a, b) => a.from.localeCompare(b.from) || a.fromMajor - b.fromMajor);
}

/** The messages a queue's handlers see: every one it receives but the older versions it upcasts. */
export function handledMessages(model: SpecModel, queue: QueueModel): MessageModel[] {
  const older = new Set(queueUpcasts(model, queue).map((c) => c.message));
  return queueMessages(model, queue).filter((m) => !older.has(m.name));
}

export function queueIdentifiers(queue: QueueModel): { type: string; value: string; factory: string; notImplemented: string } {
  const type = pascalCase(queue.name);
  const value = valueName(queue.name);
  return { type, value, factory: `create${type}Consumer`, notImplemented: `${value}NotImplemented` };
}

/**
 * The queue's Lambda handler factory and its not-implemented handlers: the tail every
 * consumer file would otherwise repeat (queue, routes, the service's errors-bus builder),
 * and the stubs' throwing handlers, listed by name in the user's file.
 */
function factoryLines(queue: QueueModel, errorEvent: MessageModel | undefined, upcasting: boolean): string[] {
  const { type: T, value: v, factory, notImplemented } = queueIdentifiers(queue);
  const routes = upcasting ? `${v}Routes(upcasters)` : `${v}Routes`;
  const rejected = errorEvent
    ? `rejected records (malformed, unknown or schema-invalid) are published as ${queue.service}'s ${errorEvent.name} on the errors bus`
    : `${queue.service} sends nothing on the errors bus, so rejected records are reported as failures and reach ${queue.dlq}`;
  return [
    `/** What create${T}Consumer takes besides the handlers: createSqsConsumer's options but those the spec fixes. */`,
    `export type ${T}ConsumerOptions = Omit<SqsConsumerOptions<${T}Events>, 'queue' | 'routes' | 'handlers'>;`,
    '',
    `/**`,
    ` * The Lambda handler of ${queue.name} (lib/consumer): parse, validate, ${upcasting ? 'upcast older versions, ' : ''}dispatch idempotently`,
    ` * per eventId; ${rejected}${upcasting ? ', and so are events an upcaster fails on (EVENT_UPCAST_FAILED)' : ''}.`,
    ` */`,
    `export function ${factory}(handlers: ${T}Handlers<ConsumerContext>, ${upcasting ? `upcasters: ${T}Upcasters, ` : ''}options: ${T}ConsumerOptions = {}): SqsConsumerHandler {`,
    `  return createSqsConsumer<${T}Events>({ queue: ${v}, routes: ${routes}, handlers, ${errorEvent ? `errorEvent: ${errorEvent.name}, ` : ''}...options });`,
    `}`,
    '',
    `/**`,
    ` * Handlers for detail-types of ${queue.name} not implemented yet, by name: each throws, so its`,
    ` * records fail, are retried and reach ${queue.dlq} (never acknowledged and lost).`,
    ` * \`{ ...${notImplemented}('A', 'B'), C: handleC }\` keeps what is still to do apart from the real handlers.`,
    ` */`,
    `export function ${notImplemented}<K extends keyof ${T}Events & string>(...detailTypes: K[]): Pick<${T}Handlers<ConsumerContext>, K> {`,
    `  const handler = (detailType: string) => async (event: { id: string }): Promise<void> => {`,
    `    throw new Error(\`\${detailType} handler not implemented (event \${event.id})\`);`,
    `  };`,
    `  return Object.fromEntries(detailTypes.map((detailType) => [detailType, handler(detailType)])) as Record<K, ReturnType<typeof handler>>;`,
    `}`,
    '',
  ];
}

/**
 * generated/consumers/<queue>.ts: per consumer queue, the events it receives keyed by
 * detail-type, an exhaustive handler-map type (a missing handler does not compile), the
 * routes, a dispatcher that validates each event before calling its handler, the Lambda
 * handler factory (`createMatchQueueConsumer(handlers)`) and not-implemented handlers.
 */
export const emitConsumers: Emitter = (ctx) => {
  const { model, specLabel } = ctx;
  const files: GeneratedFile[] = [];
  const consumersDir = `${ctx.outDir}/consumers`;
  for (const queue of model.queues) {
    const messages = queueMessages(model, queue);
    if (!messages.length) continue;
    const { type: T, value: v } = queueIdentifiers(queue);
    const chains = queueUpcasts(model, queue);
    const steps = upcastSteps(chains);
    const upcasting = steps.length > 0;
    const handled = handledMessages(model, queue);
    const byName = (name: string): MessageModel => messageNamed(model, name);
    // Intermediate versions a chain passes through without the queue receiving them: their validators check each step's result.
    const stepTargets = steps.map((s) => byName(s.to)).filter((m) => !messages.includes(m));
    const types = [...new Set([...messages, ...stepTargets].map((m) => m.typeName as string))].sort();
    const lines: string[] = [TS_HEADER(specLabel)];
    lines.push(`import type { ${types.join(', ')} } from '../models';`);
    for (const m of [...messages, ...stepTargets]) lines.push(validatorImport(ctx, m.name));
    if (upcasting) {
      const kinds = [...new Set(steps.map((s) => (byName(s.from).envelope ? 'envelope' : 'detail')))].sort();
      const names = kinds.flatMap((k) => (k === 'envelope' ? ['envelopeUpcastStep', 'type EnvelopeUpcaster'] : ['detailUpcastStep', 'type DetailUpcaster']));
      lines.push(`import { dispatchEvent, parseEvent, ${names.join(', ')}, type EventBridgeEvent, type HandlerMap, type Route } from '${runtimeImport(ctx, 'consumers')}';`);
    } else {
      lines.push(`import { dispatchEvent, parseEvent, type EventBridgeEvent, type HandlerMap, type Route } from '${runtimeImport(ctx, 'consumers')}';`);
    }
    const errorEvent = errorEventOf(model, queue.service);
    if (errorEvent) lines.push(`import { ${errorEvent.name} } from '../publishers/${kebabCase(queue.service)}';`);
    lines.push(`import { createSqsConsumer, type ConsumerContext, type SqsConsumerHandler, type SqsConsumerOptions } from '${importPath(consumersDir, `${ctx.libDir}/consumer`)}';`, '');
    const { messages: _m, ...facts } = queue;
    lines.push(`/** Queue ${queue.name} of service ${queue.service}, as the spec declares it. */`);
    lines.push(`export const ${v} = ${lit(facts, 2)} as const;`, '');
    if (upcasting) {
      const older = chains.map((c) => `${c.message} (v${byName(c.message).major})`).join(', ');
      lines.push(`/** Events the handlers of ${queue.name} see, keyed by detail-type: the latest version of each event (older versions arrive upcast: ${older}). */`);
    } else lines.push(`/** Events delivered to ${queue.name}, keyed by detail-type. */`);
    lines.push(`export type ${T}Events = {`);
    for (const m of handled) lines.push(`  ${lit(m.eventbridge?.detailType)}: ${m.typeName};`);
    lines.push(`};`, '');
    lines.push(`/** Any event ${queue.name} receives, as EventBridge delivers it. */`);
    lines.push(`export type ${T}Event = { [K in keyof ${T}Events & string]: EventBridgeEvent<K, ${T}Events[K]> }[keyof ${T}Events & string];`, '');
    lines.push(`/** One handler per detail-type; adding a receive operation to the spec makes a missing handler a compile error. */`);
    lines.push(`export type ${T}Handlers<C = void> = HandlerMap<${T}Events, C>;`, '');
    if (!upcasting) {
      lines.push(`/** How ${queue.name} recognises and validates each event. */`);
      lines.push(`export const ${v}Routes: { readonly [K in keyof ${T}Events]: Route } = {`);
      for (const m of messages) {
        const sources = [m.eventbridge?.source];
        lines.push(`  ${lit(m.eventbridge?.detailType)}: { messageName: ${lit(m.name)}, sources: ${lit(sources)}, validate: ${m.name}Schema },`);
      }
      lines.push(`};`, '');
      lines.push(`/** Parses and validates an event for ${queue.name}; throws MalformedEventError, UnknownEventTypeError or EventValidationError. */`);
      lines.push(`export function parse${T}Event(input: unknown): ${T}Event {`);
      lines.push(`  return parseEvent<${T}Events>(${lit(queue.name)}, ${v}Routes, input);`);
      lines.push(`}`, '');
      lines.push(`/** Validates the event and calls the handler for its detail-type. */`);
      lines.push(`export function dispatch${T}<C>(handlers: ${T}Handlers<C>, input: unknown, context: C): Promise<void> {`);
      lines.push(`  return dispatchEvent<${T}Events, C>(${lit(queue.name)}, ${v}Routes, handlers, input, context);`);
      lines.push(`}`, '');
    } else {
      const olderTypes = chains.map((c) => lit(byName(c.message).eventbridge?.detailType));
      lines.push(`/**`);
      lines.push(` * The upcasters of ${queue.name}: one typed pure function per step, from a version of an event`);
      lines.push(` * to the next major one (README "Versioning and upcasting"). Each result is validated against`);
      lines.push(` * the next version's schema; the handler sees only the latest version.`);
      lines.push(` */`);
      lines.push(`export type ${T}Upcasters = {`);
      for (const step of steps) {
        const from = byName(step.from);
        const to = byName(step.to);
        lines.push(`  /** ${step.from} (v${step.fromMajor}) -> ${step.to} (v${step.toMajor}). */`);
        lines.push(`  ${step.from}: ${from.envelope ? 'EnvelopeUpcaster' : 'DetailUpcaster'}<${from.typeName}, ${to.typeName}>;`);
      }
      lines.push(`};`, '');
      lines.push(`/** Detail-types ${queue.name} receives as older versions and upcasts before its handlers see them. */`);
      lines.push(`export type ${T}OlderDetailTypes = ${olderTypes.join(' | ')};`, '');
      lines.push(`/** How ${queue.name} recognises, validates and upcasts each event it receives. */`);
      lines.push(`export function ${v}Routes(upcasters: ${T}Upcasters): { readonly [K in keyof ${T}Events | ${T}OlderDetailTypes]: Route } {`);
      const stepCall = (step: UpcastStep): string => {
        const from = byName(step.from);
        const to = byName(step.to);
        return `${from.envelope ? 'envelopeUpcastStep' : 'detailUpcastStep'}(upcasters.${step.from}, { messageName: ${lit(to.name)}, detailType: ${lit(to.eventbridge?.detailType)}, version: ${lit(to.version)}, validate: ${to.name}Schema })`;
      };
      lines.push(`  return {`);
      for (const m of messages) {
        const sources = [m.eventbridge?.source];
        const chain = chains.find((c) => c.message === m.name);
        const upcast = chain ? `, upcast: [${chain.steps.map(stepCall).join(', ')}]` : '';
        lines.push(`    ${lit(m.eventbridge?.detailType)}: { messageName: ${lit(m.name)}, sources: ${lit(sources)}, validate: ${m.name}Schema${upcast} },`);
      }
      lines.push(`  };`);
      lines.push(`}`, '');
      lines.push(`/** Parses and validates an event for ${queue.name}, upcasting an older version; throws MalformedEventError, UnknownEventTypeError, EventValidationError or EventUpcastError. */`);
      lines.push(`export function parse${T}Event(input: unknown, upcasters: ${T}Upcasters): ${T}Event {`);
      lines.push(`  return parseEvent<${T}Events>(${lit(queue.name)}, ${v}Routes(upcasters), input);`);
      lines.push(`}`, '');
      lines.push(`/** Validates the event, upcasts an older version, and calls the handler for its (latest) detail-type. */`);
      lines.push(`export function dispatch${T}<C>(handlers: ${T}Handlers<C>, upcasters: ${T}Upcasters, input: unknown, context: C): Promise<void> {`);
      lines.push(`  return dispatchEvent<${T}Events, C>(${lit(queue.name)}, ${v}Routes(upcasters), handlers, input, context);`);
      lines.push(`}`, '');
    }
    lines.push(...factoryLines(queue, errorEvent, upcasting));
    files.push({ path: `consumers/${queue.name}.ts`, content: lines.join('\n') });
  }
  return files;
};
