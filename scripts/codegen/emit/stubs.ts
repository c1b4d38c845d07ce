import { resolve } from 'node:path';
import type { SpecModel } from '../model';
import { docText, importPath, kebabCase, quoted as quote } from '../naming';
import { queueIdentifiers, queueMessages } from './consumers';
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
      const todo = messages.map((m) => `    ${quote(m.eventbridge?.detailType ?? m.name)},${m.summary ? ` // ${docText(m.summary)}` : ''}`).join('\n');
      files.push({
        path: stubPath(service, queue.name, queues.length),
        content:
          `// Handler stub created by \`npm run codegen\` for queue ${queue.name}. This file is yours: codegen never overwrites it.\n` +
          `import { ${factory}, ${notImplemented}, type ${T}Handlers } from '${importPath(dir, outDir)}';\n` +
          `import type { ConsumerContext } from '${importPath(dir, `${libDir}/consumer`)}';\n\n` +
          `export const handlers: ${T}Handlers<ConsumerContext> = {\n` +
          `  // Still to do: each throws, so its events fail into ${queue.dlq} until implemented. Implement one by\n` +
          `  // moving its name out of this list into a handler of its own in this map.\n` +
          `  ...${notImplemented}(\n${todo}\n  ),\n};\n\n` +
          `/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */\n` +
          `export const handler = ${factory}(handlers);\n`,
      });
    }
  }
  return files;
}
