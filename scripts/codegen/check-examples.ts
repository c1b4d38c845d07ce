import type Ajv from 'ajv';
import { compileDefinition } from './ajv';
import { describeValidationError } from '../../lib/envelope';
import { CodegenExampleError, type SpecIssue } from './errors';
import type { SpecLocator } from './locate';
import type { SpecModel } from './model';

/** Every message example must validate against its payload: the parser does not check this. */
export function checkExamples(model: SpecModel, ajv: Ajv, locator: SpecLocator): void {
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
  if (issues.length) throw new CodegenExampleError(issues);
}
