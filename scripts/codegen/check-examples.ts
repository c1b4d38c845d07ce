import type Ajv from 'ajv';
import { compileDefinition } from './ajv';
import { describeValidationError } from '../../lib/envelope';
import { CodegenExampleError, type SpecIssue } from './errors';
import type { SpecLocator } from './locate';
import type { SpecModel } from './model';

/**
 * Every message example must validate against its payload: the parser does not check this.
 * Throws CodegenExampleError listing every invalid one; with `allowInvalid`, returns them
 * as warnings instead (a third-party spec whose examples are wrong can still be used).
 */
export function checkExamples(model: SpecModel, ajv: Ajv, locator: SpecLocator, options: { allowInvalid?: boolean } = {}): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const message of model.messages) {
    if (!message.typeName) continue;
    const validate = compileDefinition(ajv, message.typeName);
    message.examples.forEach((example, i) => {
      if (validate(example.payload)) return;
      const label = example.name ? `"${example.name}"` : `#${i + 1}`;
      for (const error of validate.errors ?? []) {
        const pointer = `${example.pointer}${error.instancePath}`;
        const location = locator.locate(pointer);
        issues.push({ message: `example ${label} of message ${message.name}: ${error.instancePath || '/'}: ${describeValidationError(error)}`, pointer, ...(location ? { location } : {}) });
      }
    });
  }
  if (issues.length && !options.allowInvalid) throw new CodegenExampleError(issues);
  return issues.map((i) => ({ ...i, message: `invalid example (generated anyway, --allow-invalid-examples): ${i.message}` }));
}
