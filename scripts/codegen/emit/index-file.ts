import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queueIdentifiers, queueMessages } from './consumers';
import { ebSends } from './publishers';
import { kebabCase, pascalCase, valueName } from '../naming';
import { TS_HEADER, type Emitter, type GeneratedFile } from './types';
import { validatedTypes } from './validators';

/** generated/runtime.ts: the shared runtime, copied from the checked-in template. */
export const emitRuntime: Emitter = ({ specLabel }) => {
  const template = readFileSync(join(__dirname, '..', 'templates', 'runtime.ts'), 'utf8');
  return [{ path: 'runtime.ts', content: `${TS_HEADER(specLabel)}${template}` }];
};

/** generated/index.ts: the one public surface of generated code, explicit re-exports only. */
export const emitIndex: Emitter = (ctx) => {
  const { model, specLabel, modelNames } = ctx;
  const lines: string[] = [TS_HEADER(specLabel)];
  lines.push(
    `export { runValidator, buildEnvelopeEvent, buildRawEvent, parseEvent, dispatchEvent, GeneratedEventError, EventValidationError, UnknownEventTypeError, MalformedEventError } from './runtime';`,
    `export type { ValidationIssue, ValidationResult, StandaloneValidator, EnvelopeMetadata, EventContext, EventSpec, BuiltEvent, EventBridgeEvent, Route, HandlerMap } from './runtime';`,
  );
  const names = [...modelNames].sort();
  if (names.length) lines.push(`export type { ${names.join(', ')} } from './models';`);
  const validated = validatedTypes(ctx);
  if (validated.length) lines.push(`export { validators, standaloneValidators, ${validated.map((v) => `validate${v.name}`).join(', ')} } from './validators';`);
  for (const service of model.services) {
    if (!ebSends(model, service.name).length) continue;
    const P = pascalCase(service.name);
    const v = valueName(service.name);
    lines.push(`export { ${v}Publisher, ${v}EventSpecs } from './publishers/${kebabCase(service.name)}';`);
    lines.push(`export type { ${P}Sends, ${P}Event } from './publishers/${kebabCase(service.name)}';`);
  }
  for (const queue of model.queues) {
    if (!queueMessages(model, queue).length) continue;
    const { type: T, value: v } = queueIdentifiers(queue);
    lines.push(`export { ${v}, ${v}Routes, parse${T}Event, dispatch${T} } from './consumers/${queue.name}';`);
    lines.push(`export type { ${T}Events, ${T}Event, ${T}Handlers } from './consumers/${queue.name}';`);
  }
  return [{ path: 'index.ts', content: `${lines.join('\n')}\n` } satisfies GeneratedFile];
};
