import { ConstrainedStringModel, TypeScriptGenerator, type TypeScriptOptions } from '@asyncapi/modelina';
import type { DeepPartial } from '@asyncapi/modelina/lib/types/utils';
import { lit, quoted } from '../naming';
import { TS_HEADER, type Emitter, type GeneratedFile } from './types';

const ROOT = '__CodegenRoot';

const OPTIONS: DeepPartial<TypeScriptOptions> = {
  modelType: 'interface',
  enumType: 'union',
  // Wire names must stay as written: a camelCased key would no longer match the JSON.
  rawPropertyNames: true,
  // Names were made unique and identifier-safe in the schema bundle; keep them as they are.
  // Enum values and constants are written with the one literal helper: Modelina's own
  // quoting leaves quotes, backslashes and control characters raw (an unterminated
  // literal) and turns `true` into the string "true".
  constraints: {
    modelName: ({ modelName }: { modelName: string }) => modelName,
    enumValue: ({ enumValue }: { enumValue: unknown }) => lit(enumValue ?? null),
    // Interface models only need string constants; others stay unset (no initialiser).
    constant: ({ constrainedMetaModel }) => {
      const constant = constrainedMetaModel.options.const;
      return constant && constrainedMetaModel instanceof ConstrainedStringModel ? lit(constant.originalInput) : undefined;
    },
  },
  // Modelina quotes raw property names as '<name>' unescaped: re-quote them with the helper.
  presets: [
    {
      interface: {
        property({ property, content }) {
          const raw = `'${property.unconstrainedPropertyName}'`;
          return content.startsWith(raw) ? `${quoted(property.unconstrainedPropertyName)}${content.slice(raw.length)}` : content;
        },
      },
    },
  ],
  processorOptions: { interpreter: { ignoreAdditionalProperties: true, ignoreAdditionalItems: true } },
};

/** generated/models/: one file per named type, from Modelina over the schema bundle. */
export const emitModels: Emitter = async ({ model, specLabel, modelNames }) => {
  const names = Object.keys(model.definitions);
  if (!names.length) return [{ path: 'models/index.ts', content: `${TS_HEADER(specLabel)}export {};\n` }];
  const root = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: ROOT,
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { $ref: `#/definitions/${n}` }])),
    definitions: model.definitions,
  };
  const generator = new TypeScriptGenerator(OPTIONS);
  const outputs = await generator.generateCompleteModels(JSON.parse(JSON.stringify(root)), { exportType: 'named' });
  const files: GeneratedFile[] = [];
  const emitted: string[] = [];
  for (const out of outputs) {
    if (out.modelName === ROOT) continue;
    emitted.push(out.modelName);
    files.push({ path: `models/${out.modelName}.ts`, content: `${TS_HEADER(specLabel)}${typeOnly(out.result.trim())}\n` });
  }
  // Modelina inlines primitive schemas; a payload or command that is one still needs its alias.
  const needed = [...model.messages.map((m) => m.typeName), ...model.commands.map((c) => c.typeName)].filter((n): n is string => n !== undefined);
  for (const name of new Set(needed)) {
    if (emitted.includes(name)) continue;
    emitted.push(name);
    files.push({ path: `models/${name}.ts`, content: `${TS_HEADER(specLabel)}type ${name} = ${primitiveType(model.definitions[name])};\nexport type { ${name} };\n` });
  }
  emitted.sort();
  for (const name of emitted) modelNames.add(name);
  const index = emitted.map((n) => `export type { ${n} } from './${n}';`).join('\n');
  files.push({ path: 'models/index.ts', content: `${TS_HEADER(specLabel)}${index}\n` });
  return files.sort((a, b) => a.path.localeCompare(b.path));
};

function primitiveType(schema: unknown): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  const type = (schema as { type?: unknown }).type;
  const one = (t: unknown): string => {
    switch (t) {
      case 'string': return 'string';
      case 'number': case 'integer': return 'number';
      case 'boolean': return 'boolean';
      case 'null': return 'null';
      case 'array': return 'unknown[]';
      case 'object': return 'Record<string, unknown>';
      default: return 'unknown';
    }
  };
  return Array.isArray(type) ? type.map(one).join(' | ') : one(type);
}

/** Models are types only: say so, so the files pass `isolatedModules` and erase cleanly. */
function typeOnly(code: string): string {
  return code.replace(/^import \{\s*([\w, ]+?)\s*\} from '([^']+)';$/gm, "import type { $1 } from '$2';").replace(/^export \{\s*([\w, ]+?)\s*\};$/gm, 'export type { $1 };');
}
