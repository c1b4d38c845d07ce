import { validatorImport } from './validators';
import type { MessageModel, SpecModel } from '../model';
import { docText, kebabCase, lit, pascalCase, valueName } from '../naming';
import { runtimeImport, TS_HEADER, type Emitter, type GeneratedFile } from './types';

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
    const lines: string[] = [TS_HEADER(specLabel)];
    // Types through a namespace: the builders are named after the messages.
    lines.push(`import type * as Models from '../models';`);
    for (const m of sends) lines.push(validatorImport(ctx, m.name));
    lines.push(`import { buildEnvelopeEvent, buildRawEvent, type BuiltEvent, type EventContext, type EventSpec } from '${runtimeImport(ctx, 'publishers')}';`, '');
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
    for (const m of sends) lines.push(`  ${m.name}: Models.${m.typeName};`);
    lines.push(`};`, '');
    lines.push(`/** Any event ${service.name} sends, built and validated. */`);
    lines.push(`export type ${P}Event = { [K in keyof ${P}Sends]: BuiltEvent<(typeof ${v}EventSpecs)[K]['detailType'], ${P}Sends[K]> }[keyof ${P}Sends];`, '');
    for (const m of sends) {
      const eb = m.eventbridge as NonNullable<MessageModel['eventbridge']>;
      const doc = `${docText(m.summary ?? m.title ?? m.name)} (${docText(`${eb.source} / ${eb.detailType} on ${eb.bus}`)}). Throws EventValidationError if the result breaks the schema.`;
      if (m.deprecated) {
        // @deprecated: editors strike the call through, so the transition's remaining publishers stand out.
        const newer = model.messages.filter((x) => x.family === m.family && x.major > m.major).map((x) => x.name);
        const why = [m.deprecated.reason, newer.length ? `publish ${newer.join(' or ')}` : undefined].filter(Boolean).join('; ');
        lines.push(`/**`, ` * ${doc}`, ` * @deprecated ${docText(`x-deprecated in the spec${why ? `: ${why}` : ''}`)}`, ` */`);
      } else lines.push(`/** ${doc} */`);
      if (m.envelope) {
        lines.push(`export function ${m.name}(data: Models.${m.typeName}['data'], context: EventContext = {}): BuiltEvent<${lit(eb.detailType)}, Models.${m.typeName}> {`);
        lines.push(`  return buildEnvelopeEvent(${v}EventSpecs.${m.name}, SERVICE, data, context, ${m.name}Schema);`);
      } else {
        lines.push(`export function ${m.name}(detail: Models.${m.typeName}, context: EventContext = {}): BuiltEvent<${lit(eb.detailType)}, Models.${m.typeName}> {`);
        lines.push(`  return buildRawEvent(${v}EventSpecs.${m.name}, detail, context, ${m.name}Schema);`);
      }
      lines.push(`}`, '');
    }
    lines.push(`/**`);
    lines.push(` * Builders for the events ${service.name} sends: \`${v}Publisher.${(sends[0] as MessageModel).name}(data, { causedBy })\`.`);
    lines.push(` * A function that imports this module as a namespace (\`import * as ${v} from '<generated>/publishers/${kebabCase(service.name)}'\`)`);
    lines.push(` * bundles only the builders (and validators) it uses; this object keeps them all.`);
    lines.push(` */`);
    lines.push(`export const ${v}Publisher = { ${sends.map((m) => m.name).join(', ')} } as const;`, '');
    files.push({ path: `publishers/${kebabCase(service.name)}.ts`, content: `${lines.join('\n')}` });
  }
  return files;
};
