import { relative, resolve } from 'node:path';
import type { MessageModel, SpecModel } from '../model';
import { kebabCase, lit, valueName } from '../naming';
import { queueIdentifiers, queueMessages } from './consumers';
import { ebSends } from './publishers';
import type { GeneratedFile } from './types';

/** The project's hand-written runtime (lib/), beside scripts/. */
const LIB_DIR = resolve(__dirname, '..', '..', '..', 'lib');

/**
 * Convention: the bus with this key in `servers` is the errors bus. A service that sends
 * exactly one message on it gets that message's builder as the consumer's `errorEvent`
 * (rejected records are published there); otherwise rejected records go to the DLQ.
 */
export const ERRORS_BUS_KEY = 'errors';

/** Where the stub for a queue lives, relative to the functions folder. */
export function stubPath(service: string, queue: string, queuesOfService: number): string {
  return `${kebabCase(service)}/${queuesOfService === 1 ? 'consumer.ts' : `consumer-${queue}.ts`}`;
}

function importPath(from: string, to: string): string {
  const path = relative(from, to).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** The message a service sends on the errors bus, if exactly one. */
function errorEventOf(model: SpecModel, service: string): MessageModel | undefined {
  const candidates = ebSends(model, service).filter((m) => m.eventbridge?.bus === ERRORS_BUS_KEY);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Handler stubs in functions/<service>/: one file per consumer queue with a handler per
 * detail-type that throws until implemented (an unimplemented event lands in the DLQ,
 * it is not acknowledged and lost), and the Lambda `handler` built with the consumer stack
 * of lib/consumer (validation, idempotency, partial batch failures, errors bus). Written
 * only where missing; never overwritten, so later spec changes surface as compile errors
 * in the user's file instead.
 */
export function stubFiles(model: SpecModel, functionsDir: string, outDir: string, libDir: string = LIB_DIR): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const byService = new Map<string, typeof model.queues>();
  for (const q of model.queues) byService.set(q.service, [...(byService.get(q.service) ?? []), q]);
  for (const [service, queues] of byService) {
    const errorEvent = errorEventOf(model, service);
    for (const queue of queues) {
      const messages = queueMessages(model, queue);
      if (!messages.length) continue;
      const { type: T, value: v } = queueIdentifiers(queue);
      const path = stubPath(service, queue.name, queues.length);
      const dir = `${functionsDir}/${kebabCase(service)}`;
      const body = messages
        .map((m) => {
          const dt = m.eventbridge?.detailType ?? m.name;
          const key = /^[A-Za-z_$][\w$]*$/.test(dt) ? dt : lit(dt);
          return `  ${key}: async (event) => {\n    // TODO: implement${m.summary ? `: ${m.summary}` : ''}\n    throw new Error(\`${dt} handler not implemented (event \${event.id})\`);\n  },`;
        })
        .join('\n');
      const generatedImports = [v, `${v}Routes`, `type ${T}Events`, `type ${T}Handlers`];
      // The service's builders as a namespace: the bundle keeps only the ones used.
      const eventsImport = errorEvent ? `import * as events from '${importPath(dir, `${outDir}/publishers/${kebabCase(service)}`)}';\n` : '';
      const errorOption = errorEvent
        ? `  errorEvent: events.${errorEvent.name},\n`
        : `  // No errors-bus event for this service: rejected records are reported as failures and reach the DLQ.\n`;
      files.push({
        path,
        content:
          `// Handler stub created by \`npm run codegen\` for queue ${queue.name}. This file is yours: codegen never overwrites it.\n` +
          `import { ${generatedImports.join(', ')} } from '${importPath(dir, outDir)}';\n` +
          eventsImport +
          `import { createSqsConsumer, type ConsumerContext } from '${importPath(dir, `${libDir}/consumer`)}';\n\n` +
          `export const handlers: ${T}Handlers<ConsumerContext> = {\n${body}\n};\n\n` +
          `/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */\n` +
          `export const handler = createSqsConsumer<${T}Events>({\n  queue: ${v},\n  routes: ${v}Routes,\n  handlers,\n${errorOption}});\n`,
      });
    }
  }
  return files;
}
