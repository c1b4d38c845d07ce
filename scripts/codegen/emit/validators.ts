import standaloneCode from 'ajv/dist/standalone';
import { compileDefinition } from '../ajv';
import { runtimeImport, TS_HEADER, type EmitContext, type Emitter, type GeneratedFile } from './types';
import { lit } from '../naming';
import { compileValidators, type CompiledValidators } from '../validator-code';

// minLength/maxLength count code points. In Ajv standalone code (the fallback for schemas
// the compiler does not handle) Ajv's counter walks every string char by char; the kernel's
// `length` (lib/envelope/schema-checks.ts, re-exported by compiled.ts) gives the same answers with a native scan when there are no
// surrogates.
const UCS2LENGTH_AJV = 'require("ajv/dist/runtime/ucs2length").default';
const UCS2LENGTH_OURS = 'require("./compiled").length';

/** What gets a validator: every message with a payload, and every command schema. */
export function validatedTypes(ctx: Parameters<Emitter>[0]): { name: string; typeName: string; kind: 'message' | 'command' }[] {
  const out: { name: string; typeName: string; kind: 'message' | 'command' }[] = ctx.model.messages
    .filter((m) => m.typeName)
    .map((m) => ({ name: m.name, typeName: m.typeName as string, kind: 'message' }));
  for (const c of ctx.model.commands) out.push({ name: c.name, typeName: c.typeName, kind: 'command' });
  return out;
}

const compiledFor = new WeakMap<EmitContext, CompiledValidators>();

/** The compiled validators of this spec (computed once per codegen run). */
export function compiledValidators(ctx: EmitContext): CompiledValidators {
  let compiled = compiledFor.get(ctx);
  if (!compiled) {
    const roots = validatedTypes(ctx).map(({ name, typeName }) => ({ exportName: `${name}Validator`, name, definition: typeName }));
    compiled = compileValidators(ctx.ajv, ctx.model.definitions, roots, `${runtimeImport(ctx, 'validators')}/schema-checks`);
    compiledFor.set(ctx, compiled);
  }
  return compiled;
}

/**
 * The import that binds `<name>Schema` (a StandaloneValidator) in a module of
 * generated/<folder>/: a named import from the compiled validators (so bundlers keep only
 * the validators a function uses), or Ajv's standalone module for a schema the compiler
 * does not handle.
 */
export function validatorImport(ctx: EmitContext, name: string): string {
  return compiledValidators(ctx).unsupported.has(name) ? `import ${name}Schema from '../validators/${name}.cjs';` : `import { ${name}Validator as ${name}Schema } from '../validators/compiled';`;
}

/**
 * generated/validators/: validators compiled from the spec's schemas into compiled.ts (one
 * function per schema definition, shared, calling the helpers of lib/envelope/schema-checks.ts), an Ajv
 * standalone validator (`<Name>.cjs`) for a schema using what the compiler does not
 * handle, and typed wrappers in index.ts that return the typed value or every issue.
 * Nothing compiles schemas at cold start.
 */
export const emitValidators: Emitter = (ctx) => {
  const { ajv, specLabel } = ctx;
  const files: GeneratedFile[] = [];
  const wrappers: string[] = [];
  const imports: string[] = [];
  const typeImports = new Set<string>();
  const entries = validatedTypes(ctx);
  const compiled = compiledValidators(ctx);
  files.push({ path: 'validators/compiled.ts', content: `${TS_HEADER(specLabel)}${compiled.code}` });
  for (const { name, typeName } of entries) {
    if (compiled.unsupported.has(name)) {
      const validate = compileDefinition(ajv, typeName);
      const code = standaloneCode(ajv, validate).split(UCS2LENGTH_AJV).join(UCS2LENGTH_OURS);
      files.push({ path: `validators/${name}.cjs`, content: `${TS_HEADER(specLabel)}// Ajv standalone code: ${compiled.unsupported.get(name)} is not handled by the validator compiler.\n${code.trim()}\n` });
      files.push({
        path: `validators/${name}.d.cts`,
        content: `${TS_HEADER(specLabel)}import type { StandaloneValidator } from '${runtimeImport(ctx, 'validators')}';\ndeclare const validate: StandaloneValidator;\nexport = validate;\n`,
      });
      imports.push(`import ${name}Schema from './${name}.cjs';`);
    } else {
      imports.push(`import { ${name}Validator as ${name}Schema } from './compiled';`);
    }
    typeImports.add(typeName);
    wrappers.push(
      `/** Validates a ${name} payload against the spec; returns the typed value or every issue. */\n` +
        `export function validate${name}(input: unknown): ValidationResult<${typeName}> {\n  return runValidator<${typeName}>(${name}Schema, input);\n}`,
    );
  }
  const map = entries.map(({ name }) => `  ${name}: validate${name},`).join('\n');
  const raw = entries.map(({ name }) => `  ${name}: ${name}Schema,`).join('\n');
  const index =
    `${TS_HEADER(specLabel)}` +
    `import { runValidator, type StandaloneValidator, type ValidationResult } from '${runtimeImport(ctx, 'validators')}';\n` +
    (typeImports.size ? `import type { ${[...typeImports].sort().join(', ')} } from '../models';\n` : '') +
    `${imports.join('\n')}\n\n${wrappers.join('\n\n')}\n\n` +
    `/** Every typed validator, keyed by message or command name. */\nexport const validators = {\n${map}\n} as const;\n\n` +
    `/** The raw standalone validate functions, keyed by message or command name. */\nexport const standaloneValidators: Readonly<Record<${entries.length ? entries.map((e) => lit(e.name)).join(' | ') : 'never'}, StandaloneValidator>> = {\n${raw}\n};\n`;
  files.push({ path: 'validators/index.ts', content: index });
  return files;
};
