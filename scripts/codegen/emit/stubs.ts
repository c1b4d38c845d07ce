import { resolve } from 'node:path';
import type { SpecModel } from '../model';
import { docText, importPath, kebabCase, quoted as quote } from '../naming';
import { errorEventOf, handledMessages, messageNamed, queueIdentifiers, queueMessages, queueUpcasts, upcastSteps } from './consumers';
import type { GeneratedFile } from './types';

/** The project's hand-written runtime (lib/), beside scripts/. */
const LIB_DIR = resolve(__dirname, '..', '..', '..', 'lib');


/** Where the stub for a queue lives, relative to the functions folder. */
export function stubPath(service: string, queue: string, queuesOfService: number): string {
  return `${kebabCase(service)}/${queuesOfService === 1 ? 'consumer.ts' : `consumer-${queue}.ts`}`;
}

/**
 * Handler stubs in functions/<service>/: one file per consumer queue whose handler map
 * starts with every detail-type in the generated `<queue>NotImplemented(...)` list (each
 * throws, so an unimplemented event lands in the DLQ, it is not acknowledged and lost),
 * and the Lambda `handler` from the generated `create<Queue>Consumer`. Implementing an
 * event = moving its name from that list to a real handler, so what is still to do stays
 * apart from the real code. Written only where missing; never overwritten, so later spec
 * changes surface as compile errors in the user's file instead.
 */
export function stubFiles(model: SpecModel, functionsDir: string, outDir: string, libDir: string = LIB_DIR): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const byService = new Map<string, typeof model.queues>();
  for (const q of model.queues) byService.set(q.service, [...(byService.get(q.service) ?? []), q]);
  for (const [service, queues] of byService) {
    for (const queue of queues) {
      const messages = queueMessages(model, queue);
      if (!messages.length) continue;
      const { type: T, factory, notImplemented } = queueIdentifiers(queue);
      const dir = `${functionsDir}/${kebabCase(service)}`;
      const handled = handledMessages(model, queue);
      const todo = handled.map((m) => `    ${quote(m.eventbridge?.detailType ?? m.name)},${m.summary ? ` // ${docText(m.summary)}` : ''}`).join('\n');
      const steps = upcastSteps(queueUpcasts(model, queue));
      const upcastersFile = queues.length === 1 ? 'upcasters' : `upcasters-${queue.name}`;
      if (steps.length) {
        const errorBusNote = errorEventOf(model, service) ? 'on the errors bus' : `into ${queue.dlq}`;
        const body = steps
          .map((step) => {
            const envelope = messageNamed(model, step.from).envelope;
            return (
              `  // ${step.from} (v${step.fromMajor}) -> ${step.to} (v${step.toMajor}): a pure function of the older ${envelope ? 'data (and its metadata)' : 'detail'}.\n` +
              `  ${step.from}: (${envelope ? '_data' : '_detail'}) => {\n` +
              `    throw new Error('upcaster ${step.from} -> ${step.to} not implemented');\n` +
              `  },\n`
            );
          })
          .join('');
        files.push({
          path: `${kebabCase(service)}/${upcastersFile}.ts`,
          content:
            `// Upcasters stub created by \`npm run codegen\` for queue ${queue.name}. This file is yours: codegen never overwrites it.\n` +
            `// ${queue.name} receives older versions of events its handlers see only in their latest version: each step\n` +
            `// turns one version into the next (README "Versioning and upcasting"). Until a step is written it throws: its\n` +
            `// events are rejected (EVENT_UPCAST_FAILED, ${errorBusNote}) with the event attached, to replay once it is.\n` +
            `import type { ${T}Upcasters } from '${importPath(dir, outDir)}';\n\n` +
            `export const upcasters: ${T}Upcasters = {\n${body}};\n`,
        });
      }
      files.push({
        path: stubPath(service, queue.name, queues.length),
        content:
          `// Handler stub created by \`npm run codegen\` for queue ${queue.name}. This file is yours: codegen never overwrites it.\n` +
          `import { ${factory}, ${notImplemented}, type ${T}Handlers } from '${importPath(dir, outDir)}';\n` +
          `import type { ConsumerContext } from '${importPath(dir, `${libDir}/consumer`)}';\n` +
          (steps.length ? `import { upcasters } from './${upcastersFile}';\n` : '') +
          '\n' +
          `export const handlers: ${T}Handlers<ConsumerContext> = {\n` +
          `  // Still to do: each throws, so its events fail into ${queue.dlq} until implemented. Implement one by\n` +
          `  // moving its name out of this list into a handler of its own in this map.\n` +
          `  ...${notImplemented}(\n${todo}\n  ),\n};\n\n` +
          `/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */\n` +
          `export const handler = ${factory}(handlers${steps.length ? ', upcasters' : ''});\n`,
      });
    }
  }
  return files;
}
