/**
 * `npm run spec -- <command>`: edits and views a spec cut into service parts
 * (README "Edit the spec").
 *
 *   npm run spec -- add-event <service> <EventName> [--consumers a,b] [--local] [--source s --bus b]
 *   npm run spec -- bundle [--out joined.yaml]      # the joined AsyncAPI document, for other tools
 *
 * `--spec <root.yaml>` picks the spec (default: package.json config.spec). Exit codes:
 * 0 done, 1 refused (nothing written), 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { assembleSpec, rebase } from './codegen/assemble';
import { CodegenError } from './codegen/errors';
import { projectConfig } from './project';
import { addEvent, SpecEditError } from './spec-add-event';

const USAGE = `usage: npm run spec -- add-event <service> <EventName> [--consumers a,b] [--local] [--source <source> --bus <bus>] [--spec <root.yaml>]
       npm run spec -- bundle [--out <file.yaml>] [--spec <root.yaml>]`;

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        spec: { type: 'string' },
        consumers: { type: 'string', default: '' },
        local: { type: 'boolean', default: false },
        source: { type: 'string' },
        bus: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`spec: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const spec = resolve(values.spec ?? projectConfig().spec);
  if (command === 'add-event') {
    const [service, event] = rest;
    if (!service || !event || rest.length > 2) {
      process.stderr.write(`spec: add-event takes <service> <EventName>\n${USAGE}\n`);
      return 2;
    }
    const consumers = values.consumers.split(',').map((c) => c.trim()).filter(Boolean);
    const result = addEvent({ spec, service, event, consumers, ...(values.local ? { scope: 'local' as const } : {}), ...(values.source ? { source: values.source } : {}), ...(values.bus ? { bus: values.bus } : {}) });
    process.stdout.write(`spec: added ${event} (sent by ${service}${consumers.length ? `, received by ${consumers.join(', ')}` : ''}) in ${result.changed.join(', ')}\n`);
    process.stdout.write(`spec: still to write:\n${result.todo.map((t) => `  - ${t}`).join('\n')}\nthen run \`npm run codegen\` (typed publisher, consumer route, handler stub).\n`);
    return 0;
  }
  if (command === 'bundle') {
    const joined = assembleSpec(spec);
    if (!joined) {
      process.stderr.write(`spec: ${spec} has no service parts; it already is the whole document\n`);
      return 1;
    }
    // Relative $refs of the joined document resolve from the root's folder; move them to the output's.
    const out = values.out ? resolve(values.out) : undefined;
    const document = out ? rebase(joined.document, dirname(spec), dirname(out)) : joined.document;
    const text = `# Joined from ${relative(process.cwd(), spec)} and its service parts by \`npm run spec -- bundle\`; edit the parts, not this file.\n${stringify(document, { lineWidth: 0 })}`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return 0;
  }
  process.stderr.write(`spec: unknown command "${command}"\n${USAGE}\n`);
  return 2;
}

try {
  process.exit(main());
} catch (error) {
  if (error instanceof SpecEditError || error instanceof CodegenError) {
    process.stderr.write(`spec: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
