import { validatorImport } from './validators';
import type { MessageModel, SpecModel } from '../model';
import { kebabCase, lit, pascalCase, valueName } from '../naming';
import { TS_HEADER, type Emitter, type GeneratedFile } from './types';

export function busName(model: SpecModel, key: string): string {
  return model.buses.find((b) => b.key === key)?.name ?? key;
}

/** The messages a service sends that go through EventBridge, in spec order. */
export function ebSends(model: SpecModel, service: string): MessageModel[] {
  const names = model.services.find((s) => s.name === service)?.sends ?? [];
  return model.messages.filter((m) => names.includes(m.name) && m.eventbridge && m.typeName);
}

/**
 * generated/publishers/<service>.ts: for each service, one builder per event it sends.
 * A service's publisher has no member for an event it does not send, so publishing one
 * is a compile error; the data parameter is the message's `data` type, so a wrong
 * payload is one too. Builders validate before returning: an invalid event never leaves.
 */
export const emitPublishers: Emitter = (ctx) => {
  const { model, specLabel } = ctx;
  const files: GeneratedFile[] = [];
  for (const service of model.services) {
    const sends = ebSends(model, service.name);
    if (!sends.length) continue;
    const P = pascalCase(service.name);
    const v = valueName(service.name);
    const types = [...new Set(sends.map((m) => m.typeName as string))].sort();
    const lines: string[] = [TS_HEADER(specLabel)];
    lines.push(`import type { ${types.join(', ')} } from '../models';`);
    for (const m of sends) lines.push(validatorImport(ctx, m.name));
    lines.push(`import { buildEnvelopeEvent, buildRawEvent, type BuiltEvent, type EventContext, type EventSpec } from '../runtime';`, '');
    lines.push(`const SERVICE = ${lit(service.name)};`, '');
    lines.push(`/** Routing facts of every event ${service.name} sends, from the spec. */`);
    lines.push(`export const ${v}EventSpecs = {`);
    for (const m of sends) {
      const eb = m.eventbridge as NonNullable<MessageModel['eventbridge']>;
      lines.push(`  ${m.name}: { messageName: ${lit(m.name)}, detailType: ${lit(eb.detailType)}, source: ${lit(eb.source)}, bus: ${lit(eb.bus)}, busName: ${lit(busName(model, eb.bus))}, version: ${lit(m.version)} },`);
    }
    lines.push(`} as const satisfies Record<string, EventSpec>;`, '');
    lines.push(`/** The events ${service.name} may send, by message name, with their full detail type. */`);
    lines.push(`export type ${P}Sends = {`);
    for (const m of sends) lines.push(`  ${m.name}: ${m.typeName};`);
    lines.push(`};`, '');
    lines.push(`/** Any event ${service.name} sends, built and validated. */`);
    lines.push(`export type ${P}Event = { [K in keyof ${P}Sends]: BuiltEvent<(typeof ${v}EventSpecs)[K]['detailType'], ${P}Sends[K]> }[keyof ${P}Sends];`, '');
    lines.push(`/** Builders for the events ${service.name} sends: \`${v}Publisher.${(sends[0] as MessageModel).name}(data, { causedBy })\`. */`);
    lines.push(`export const ${v}Publisher = {`);
    for (const m of sends) {
      const eb = m.eventbridge as NonNullable<MessageModel['eventbridge']>;
      const doc = `  /** ${m.summary ?? m.title ?? m.name} (${eb.source} / ${eb.detailType} on ${eb.bus}). Throws EventValidationError if the result breaks the schema. */`;
      lines.push(doc);
      if (m.envelope) {
        lines.push(`  ${m.name}(data: ${m.typeName}['data'], context: EventContext = {}): BuiltEvent<${lit(eb.detailType)}, ${m.typeName}> {`);
        lines.push(`    return buildEnvelopeEvent(${v}EventSpecs.${m.name}, SERVICE, data, context, ${m.name}Schema);`);
      } else {
        lines.push(`  ${m.name}(detail: ${m.typeName}, context: EventContext = {}): BuiltEvent<${lit(eb.detailType)}, ${m.typeName}> {`);
        lines.push(`    return buildRawEvent(${v}EventSpecs.${m.name}, detail, context, ${m.name}Schema);`);
      }
      lines.push(`  },`);
    }
    lines.push(`} as const;`, '');
    files.push({ path: `publishers/${kebabCase(service.name)}.ts`, content: `${lines.join('\n')}` });
  }
  return files;
};
