import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './schemas';

export const BUNDLE_ID = 'urn:asyncapi-codegen:definitions';

/**
 * One Ajv instance holding every named definition, shared by the example check and the
 * validator emitter so both judge a payload the same way. `strict: false` because
 * AsyncAPI schemas carry keywords Ajv does not know (x-pii, discriminator as a string).
 */
export function createAjv(definitions: Record<string, JsonSchema>, options: { standalone: boolean }): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    ...(options.standalone ? { code: { source: true, lines: true } } : {}),
  });
  addFormats(ajv, { mode: 'fast' });
  ajv.addSchema({ $id: BUNDLE_ID, definitions }, BUNDLE_ID);
  return ajv;
}

/**
 * The validator of one named definition, compiled once per Ajv instance: messages whose
 * payloads `$ref` the same component schema share its name, and Ajv refuses a second
 * schema with the same `$id`.
 */
export function compileDefinition(ajv: Ajv, name: string): ValidateFunction {
  const id = `urn:asyncapi-codegen:validate:${name}`;
  return ajv.getSchema(id) ?? ajv.compile({ $id: id, $ref: `${BUNDLE_ID}#/definitions/${name}` });
}
