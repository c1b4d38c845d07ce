import { relative } from 'node:path';
import type { SpecModel } from '../model';
import { kebabCase, lit } from '../naming';
import { queueIdentifiers, queueMessages } from './consumers';
import type { GeneratedFile } from './types';

/** Where the stub for a queue lives, relative to the functions folder. */
export function stubPath(service: string, queue: string, queuesOfService: number): string {
  return `${kebabCase(service)}/${queuesOfService === 1 ? 'consumer.ts' : `consumer-${queue}.ts`}`;
}

/**
 * Handler stubs in functions/<service>/: one file per consumer queue with a handler per
 * detail-type that throws until implemented (an unimplemented event lands in the DLQ,
 * it is not acknowledged and lost). Written only where missing; never overwritten, so
 * later spec changes surface as compile errors in the user's file instead.
 */
export function stubFiles(model: SpecModel, functionsDir: string, outDir: string): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const byService = new Map<string, typeof model.queues>();
  for (const q of model.queues) byService.set(q.service, [...(byService.get(q.service) ?? []), q]);
  for (const [service, queues] of byService) {
    for (const queue of queues) {
      const messages = queueMessages(model, queue);
      if (!messages.length) continue;
      const { type: T } = queueIdentifiers(queue);
      const path = stubPath(service, queue.name, queues.length);
      const importPath = relative(`${functionsDir}/${kebabCase(service)}`, outDir).split('\\').join('/');
      const body = messages
        .map((m) => {
          const dt = m.eventbridge?.detailType ?? m.name;
          const key = /^[A-Za-z_$][\w$]*$/.test(dt) ? dt : lit(dt);
          return `  ${key}: async (event) => {\n    // TODO: implement${m.summary ? `: ${m.summary}` : ''}\n    throw new Error(\`${dt} handler not implemented (event \${event.id})\`);\n  },`;
        })
        .join('\n');
      files.push({
        path,
        content:
          `// Handler stub created by \`npm run codegen\` for queue ${queue.name}. This file is yours: codegen never overwrites it.\n` +
          `import type { ${T}Handlers } from '${importPath.startsWith('.') ? importPath : `./${importPath}`}';\n\n` +
          `export const handlers: ${T}Handlers = {\n${body}\n};\n`,
      });
    }
  }
  return files;
}
