import { validatorImport } from './validators';
import type { MessageModel, QueueModel, SpecModel } from '../model';
import { lit, pascalCase, valueName } from '../naming';
import { runtimeImport, TS_HEADER, type Emitter, type GeneratedFile } from './types';

export function queueMessages(model: SpecModel, queue: QueueModel): MessageModel[] {
  return queue.messages.map(({ message }) => model.messages.find((m) => m.name === message) as MessageModel).filter((m) => m.typeName);
}

export function queueIdentifiers(queue: QueueModel): { type: string; value: string } {
  return { type: pascalCase(queue.name), value: valueName(queue.name) };
}

/**
 * generated/consumers/<queue>.ts: per consumer queue, the events it receives keyed by
 * detail-type, an exhaustive handler-map type (a missing handler does not compile), the
 * routes, and a dispatcher that validates each event before calling its handler.
 */
export const emitConsumers: Emitter = (ctx) => {
  const { model, specLabel } = ctx;
  const files: GeneratedFile[] = [];
  for (const queue of model.queues) {
    const messages = queueMessages(model, queue);
    if (!messages.length) continue;
    const { type: T, value: v } = queueIdentifiers(queue);
    const types = [...new Set(messages.map((m) => m.typeName as string))].sort();
    const lines: string[] = [TS_HEADER(specLabel)];
    lines.push(`import type { ${types.join(', ')} } from '../models';`);
    for (const m of messages) lines.push(validatorImport(ctx, m.name));
    lines.push(`import { dispatchEvent, parseEvent, type EventBridgeEvent, type HandlerMap, type Route } from '${runtimeImport(ctx, 'consumers')}';`, '');
    const { messages: _m, ...facts } = queue;
    lines.push(`/** Queue ${queue.name} of service ${queue.service}, as the spec declares it. */`);
    lines.push(`export const ${v} = ${JSON.stringify(facts, null, 2).replace(/\n/g, '\n')} as const;`, '');
    lines.push(`/** Events delivered to ${queue.name}, keyed by detail-type. */`);
    lines.push(`export type ${T}Events = {`);
    for (const m of messages) lines.push(`  ${lit(m.eventbridge?.detailType)}: ${m.typeName};`);
    lines.push(`};`, '');
    lines.push(`/** Any event ${queue.name} receives, as EventBridge delivers it. */`);
    lines.push(`export type ${T}Event = { [K in keyof ${T}Events & string]: EventBridgeEvent<K, ${T}Events[K]> }[keyof ${T}Events & string];`, '');
    lines.push(`/** One handler per detail-type; adding a receive operation to the spec makes a missing handler a compile error. */`);
    lines.push(`export type ${T}Handlers<C = void> = HandlerMap<${T}Events, C>;`, '');
    lines.push(`/** How ${queue.name} recognises and validates each event. */`);
    lines.push(`export const ${v}Routes: { readonly [K in keyof ${T}Events]: Route } = {`);
    for (const m of messages) {
      const sources = [m.eventbridge?.source];
      lines.push(`  ${lit(m.eventbridge?.detailType)}: { messageName: ${lit(m.name)}, sources: ${JSON.stringify(sources)}, validate: ${m.name}Schema },`);
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
    files.push({ path: `consumers/${queue.name}.ts`, content: lines.join('\n') });
  }
  return files;
};
