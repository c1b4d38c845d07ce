import { join } from 'node:path';
import type { MessageModel, SpecModel } from '../model';
import { camelCase, docText, importPath, kebabCase, lit, pascalCase } from '../naming';
import type { SagaModel } from '../sagas';
import { TS_HEADER, type Emitter, type GeneratedFile } from './types';

/**
 * generated/sagas/<service>.ts: the typed step map of every saga a service orchestrates.
 * For saga `x`: `xSagaSpec` (the declaration, detail-types resolved), `XSagaHandlers<Data>`
 * (the pure functions hand-written code must give: the saga id and data from the trigger,
 * each step's command data, a fold per success reply, each declared compensation's data),
 * `defineXSaga(handlers)` (the lib/saga definition, commands built by the generated
 * publishers) and `xSagaTimeoutEvent` (the step timers' event). A step whose command,
 * reply handler or compensation is missing, or returns the wrong data, does not compile.
 */
export const emitSagas: Emitter = (ctx) => {
  const { model, specLabel } = ctx;
  const byService = new Map<string, SagaModel[]>();
  for (const saga of model.sagas) byService.set(saga.orchestrator, [...(byService.get(saga.orchestrator) ?? []), saga]);
  return [...byService].map(([service, sagas]): GeneratedFile => {
    const lib = importPath(join(ctx.outDir, 'sagas'), join(ctx.libDir, 'saga'));
    const lines = [
      TS_HEADER(specLabel),
      `import type * as Models from '../models';`,
      `import * as publish from '../publishers/${kebabCase(service)}';`,
      `import { commandEventContext, defineSaga, type CommandContext, type DefinedSaga, type SagaEvent, type SagaTimeoutData } from '${lib}';`,
      '',
      ...sagas.flatMap((saga) => sagaCode(model, saga)),
    ];
    return { path: `sagas/${kebabCase(service)}.ts`, content: `${lines.join('\n')}\n` };
  });
};


function sagaCode(model: SpecModel, saga: SagaModel): string[] {
  const message = (name: string): MessageModel => {
    const m = model.messages.find((x) => x.name === name);
    if (!m?.eventbridge || !m.typeName) throw new Error(`saga ${saga.name}: message ${name} has no EventBridge routing or payload type (sagas.ts checks this first)`);
    return m;
  };
  const dt = (name: string): string => (message(name).eventbridge as { detailType: string }).detailType;
  const data = (name: string): string => `Models.${message(name).typeName as string}['data']`;
  const dts = (names: string[]): string => `[${names.map((n) => lit(dt(n))).join(', ')}]`;
  const v = camelCase(saga.name);
  const P = pascalCase(saga.name);
  const trigger = data(saga.trigger);
  const handler = (reply: string): string => `on${pascalCase(reply)}`;

  const spec = [
    `/** The ${saga.name} saga of ${saga.orchestrator} as the spec declares it (x-services.${saga.orchestrator}.x-sagas.${saga.name}), by detail-type.${saga.summary ? ` ${docText(saga.summary)}` : ''} */`,
    `export const ${v}SagaSpec = {`,
    `  name: ${lit(saga.name)},`,
    `  orchestrator: ${lit(saga.orchestrator)},`,
    `  trigger: ${lit(dt(saga.trigger))},`,
    `  timeout: ${lit(dt(saga.timeout))},`,
    `  abortOn: ${dts(saga.abortOn)},`,
    `  steps: [`,
    ...saga.steps.map(
      (s) =>
        `    { name: ${lit(s.name)}, command: ${lit(dt(s.command))}, participant: ${lit(s.participant)}, success: ${dts(s.success)}, failure: ${dts(s.failure)}, ${s.compensation ? `compensation: { command: ${lit(dt(s.compensation.command))}, reply: ${dts(s.compensation.reply)} }, ` : ''}timeoutSeconds: ${s.timeoutSeconds} },`,
    ),
    `  ],`,
    `} as const;`,
    '',
  ];

  const handlers = [
    `/**`,
    ` * What the ${saga.name} saga needs from hand-written code: pure functions over its data. A step`,
    ` * without its command, a success reply without its handler, or a declared compensation without`,
    ` * its builder does not compile.`,
    ` */`,
    `export interface ${P}SagaHandlers<Data> {`,
    `  /** The saga id from its trigger ${saga.trigger}: the same trigger gives the same id, so a duplicate starts nothing. */`,
    `  sagaId(trigger: SagaEvent<${trigger}>): string;`,
    `  /** The saga's data from its trigger. */`,
    `  init(trigger: SagaEvent<${trigger}>): Data;`,
    `  steps: {`,
    ...saga.steps.flatMap((s, i) => [
      `    /** Step ${i + 1}: ${s.command} to ${s.participant}; ${s.success.join(' or ')} continues${s.failure.length ? `, ${s.failure.join(' or ')} compensates` : ''}; no reply in ${s.timeoutSeconds} s compensates.${s.compensation ? ` Undone by ${s.compensation.command}.` : ''} */`,
      `    ${s.name}: {`,
      `      /** The data of ${s.command}. */`,
      `      command(data: Data, context: CommandContext): ${data(s.command)};`,
      ...s.success.flatMap((r) => [`      /** Folds ${r} into the saga data (return it unchanged when there is nothing to keep). */`, `      ${handler(r)}(data: Data, reply: SagaEvent<${data(r)}>): Data;`]),
      ...(s.compensation ? [`      /** The data of ${s.compensation.command}; \`context.reason\` says why the saga compensates. */`, `      compensation(data: Data, context: CommandContext): ${data(s.compensation.command)};`] : []),
      `    };`,
    ]),
    `  };`,
    `}`,
    '',
  ];

  const define = [
    `/** The ${saga.name} saga as lib/saga runs it: the spec's steps, commands built by ${saga.orchestrator}'s publishers from \`handlers\`. \`stepTimeoutSeconds\` overrides every step's timeout (tests, a stage param). */`,
    `export function define${P}Saga<Data>(handlers: ${P}SagaHandlers<Data>, options: { stepTimeoutSeconds?: number } = {}): DefinedSaga<Data, ${trigger}> {`,
    `  const { steps } = handlers;`,
    `  const timeout = (seconds: number): number => options.stepTimeoutSeconds ?? seconds;`,
    `  return defineSaga<Data, ${trigger}>({`,
    `    name: ${lit(saga.name)},`,
    `    sagaId: (trigger) => handlers.sagaId(trigger),`,
    `    init: (trigger) => handlers.init(trigger),`,
    `    steps: [`,
    ...saga.steps.flatMap((s) => {
      const fold =
        s.success.length === 1
          ? `(data, reply) => steps.${s.name}.${handler(s.success[0] as string)}(data, reply as SagaEvent<${data(s.success[0] as string)}>)`
          : `(data, reply) => {\n          ${s.success.map((r) => `if (reply.detailType === ${lit(dt(r))}) return steps.${s.name}.${handler(r)}(data, reply as SagaEvent<${data(r)}>);`).join('\n          ')}\n          return data;\n        }`;
      return [
        `      {`,
        `        name: ${lit(s.name)},`,
        `        command: (data, context) => publish.${s.command}(steps.${s.name}.command(data, context), commandEventContext(context)),`,
        `        success: ${dts(s.success)},`,
        `        failure: ${dts(s.failure)},`,
        `        onSuccess: ${fold},`,
        ...(s.compensation
          ? [`        compensation: { command: (data, context) => publish.${s.compensation.command}(steps.${s.name}.compensation(data, context), commandEventContext(context)), reply: ${dts(s.compensation.reply)} },`]
          : []),
        `        timeoutSeconds: timeout(${s.timeoutSeconds}),`,
        `      },`,
      ];
    }),
    `    ],`,
    `  });`,
    `}`,
    '',
    `/** The event the ${saga.name} saga's step timers put on the bus (${saga.timeout}): the runner's \`timeoutEvent\`. */`,
    `export function ${v}SagaTimeoutEvent(data: SagaTimeoutData, context: CommandContext): ReturnType<typeof publish.${saga.timeout}> {`,
    `  return publish.${saga.timeout}(data, commandEventContext(context));`,
    `}`,
    '',
  ];
  return [...spec, ...handlers, ...define];
}
