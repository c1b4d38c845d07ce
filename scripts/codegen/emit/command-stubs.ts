import type { CommandModel, SpecModel } from '../model';
import { importPath, kebabCase, quoted } from '../naming';
import type { GeneratedFile } from './types';

/** Where the HTTP command handler of a service lives, relative to the functions folder. */
export function commandStubPath(service: string): string {
  return `${kebabCase(service)}/commands.ts`;
}

/**
 * HTTP command stubs in functions/<service>/commands.ts: one route per command whose
 * `x-http` names the service, its body checked by the generated validator, answering
 * 501 until implemented. Written only where missing; never overwritten.
 */
export function commandStubFiles(model: SpecModel, functionsDir: string, outDir: string, libDir: string): GeneratedFile[] {
  const byService = new Map<string, CommandModel[]>();
  for (const c of model.commands) if (c.http) byService.set(c.http.service, [...(byService.get(c.http.service) ?? []), c]);
  const files: GeneratedFile[] = [];
  for (const [service, commands] of byService) {
    const dir = `${functionsDir}/${kebabCase(service)}`;
    const routes = commands
      .map((c) => {
        const key = `${c.http?.method} ${c.http?.path}`;
        return (
          `    ${quoted(key)}: route({\n` +
          `      body: validate${c.name},\n` +
          `      handler: async ({ body }, { logger }) => {\n` +
          `        // TODO: implement ${c.name}: change state, append events to the outbox, answer 202.\n` +
          `        logger.debug(${quoted(`${c.name} received`)}, { fields: Object.keys(body) });\n` +
          `        throw new HttpError(501, ${quoted(`${key} is not implemented yet`)}, { code: 'NOT_IMPLEMENTED' });\n` +
          `      },\n` +
          `    }),`
        );
      })
      .join('\n');
    files.push({
      path: commandStubPath(service),
      content:
        `// Handler stub created by \`npm run codegen\` for the HTTP commands of ${service}. This file is yours: codegen never overwrites it.\n` +
        `import { ${commands.map((c) => `validate${c.name}`).join(', ')} } from '${importPath(dir, outDir)}';\n` +
        `import { createHttpApi, HttpError, route } from '${importPath(dir, `${libDir}/http`)}';\n\n` +
        `export const handler = createHttpApi({\n  service: ${quoted(service)},\n  routes: {\n${routes}\n  },\n});\n`,
    });
  }
  return files;
}
