import { join } from 'node:path';
import type { MessageModel, SpecModel } from '../model';
import { camelCase, docText, importPath, kebabCase, lit, pascalCase } from '../naming';
import type { GatherModel } from '../gathers';
import { TS_HEADER, type Emitter, type GeneratedFile } from './types';

/**
 * generated/gathers/<service>.ts: every scatter-gather a service orchestrates, typed. For
 * gather `x`: `xGatherSpec` (the declaration, detail-types resolved), `XGatherRequests<Input>`
 * (one pure function per responder: its request's data from the round's input),
 * `defineXGather(requests)` (the lib/gather definition, requests built by the generated
 * publishers, the spec's answers, policy and deadline) and `xGatherDeadlineEvent` (the
 * deadline timer's event). A responder without its request, or a request with the wrong
 * data, does not compile.
 */
export const emitGathers: Emitter = (ctx) => {
  const { model, specLabel } = ctx;
  const byService = new Map<string, GatherModel[]>();
  for (const g of model.gathers) byService.set(g.orchestrator, [...(byService.get(g.orchestrator) ?? []), g]);
  return [...byService].map(([service, gathers]): GeneratedFile => {
    const lib = importPath(join(ctx.outDir, 'gathers'), join(ctx.libDir, 'gather'));
    const lines = [
      TS_HEADER(specLabel),
      `import type * as Models from '../models';`,
      `import * as publish from '../publishers/${kebabCase(service)}';`,
      `import { defineGather, requestEventContext, type DefinedGather, type GatherDeadlineData, type RequestContext } from '${lib}';`,
      '',
      ...gathers.flatMap((g) => gatherCode(model, g)),
    ];
    return { path: `gathers/${kebabCase(service)}.ts`, content: `${lines.join('\n')}\n` };
  });
};


function gatherCode(model: SpecModel, g: GatherModel): string[] {
  const message = (name: string): MessageModel => {
    const m = model.messages.find((x) => x.name === name);
    if (!m?.eventbridge || !m.typeName) throw new Error(`gather ${g.name}: message ${name} has no EventBridge routing or payload type (gathers.ts checks this first)`);
    return m;
  };
  const dt = (name: string): string => (message(name).eventbridge as { detailType: string }).detailType;
  const dts = (names: string[]): string => `[${names.map((n) => lit(dt(n))).join(', ')}]`;
  const v = camelCase(g.name);
  const P = pascalCase(g.name);
  return [
    `/** The ${g.name} gather of ${g.orchestrator} as the spec declares it (x-services.${g.orchestrator}.x-gathers.${g.name}), by detail-type.${g.summary ? ` ${docText(g.summary)}` : ''} */`,
    `export const ${v}GatherSpec = {`,
    `  name: ${lit(g.name)},`,
    `  orchestrator: ${lit(g.orchestrator)},`,
    `  trigger: ${lit(dt(g.trigger))},`,
    `  deadline: ${lit(dt(g.deadline))},`,
    `  deadlineSeconds: ${g.deadlineSeconds},`,
    `  responders: {`,
    ...g.responders.map((r) => `    ${r.name}: { request: ${lit(dt(r.request))}, service: ${lit(r.service)}, response: ${dts(r.response)}, error: ${dts(r.error)}, required: ${r.required} },`),
    `  },`,
    `} as const;`,
    '',
    `/** What the ${g.name} gather needs from hand-written code: each responder's request data from the round's input. */`,
    `export interface ${P}GatherRequests<Input> {`,
    ...g.responders.flatMap((r) => [`  /** ${r.request} to ${r.service} (${r.required ? 'required' : 'optional'}). */`, `  ${r.name}(input: Input, context: RequestContext): Models.${message(r.request).typeName as string}['data'];`]),
    `}`,
    '',
    `/** The ${g.name} gather as lib/gather runs it. \`deadlineSeconds\` overrides the spec's ${g.deadlineSeconds} s (tests, a stage param). */`,
    `export function define${P}Gather<Input>(requests: ${P}GatherRequests<Input>, options: { deadlineSeconds?: number } = {}): DefinedGather<Input> {`,
    `  return defineGather<Input>({`,
    `    name: ${lit(g.name)},`,
    `    deadlineSeconds: options.deadlineSeconds ?? ${g.deadlineSeconds},`,
    `    responders: {`,
    ...g.responders.map(
      (r) =>
        `      ${r.name}: { request: (input, context) => publish.${r.request}(requests.${r.name}(input, context), requestEventContext(context)), response: ${dts(r.response)}, error: ${dts(r.error)}, required: ${r.required} },`,
    ),
    `    },`,
    `  });`,
    `}`,
    '',
    `/** The event the ${g.name} gather's deadline timer puts on the bus (${g.deadline}): the runner's \`deadlineEvent\`. */`,
    `export function ${v}GatherDeadlineEvent(data: GatherDeadlineData, context: { eventId: string; correlationId: string; occurredAt: string }): ReturnType<typeof publish.${g.deadline}> {`,
    `  return publish.${g.deadline}(data, context);`,
    `}`,
    '',
  ];
}
