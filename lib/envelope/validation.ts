// Results of checking a value against its schema: what generated validators return, and
// the one wording of a schema error at codegen time and at run time.

/** One reason a value does not match its schema. */
export interface ValidationIssue {
  /** JSON pointer of the offending value, e.g. `/data/location/lat` ('' for the root). */
  path: string;
  /** Human-readable reason. */
  message: string;
  /** JSON Schema keyword that failed (required, type, enum, format, ...). */
  keyword: string;
  params: Record<string, unknown>;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

/** Shape of an Ajv standalone validate function. */
export interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[] | null;
}

/** One-line reason for an Ajv error, the same wording at codegen time and at run time. */
export function describeValidationError(e: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }): string {
  if (e.keyword === 'required') return `missing required property "${String(e.params['missingProperty'])}"`;
  if (e.keyword === 'additionalProperties') return `unexpected property "${String(e.params['additionalProperty'])}"`;
  if (e.keyword === 'enum') return `must be one of ${JSON.stringify(e.params['allowedValues'])}`;
  return e.message ?? `fails ${e.keyword}`;
}

/** Runs a standalone validator and turns its errors into ValidationIssues. */
export function runValidator<T>(validate: StandaloneValidator, input: unknown): ValidationResult<T> {
  if (validate(input)) return { ok: true, value: input as T };
  const errors = (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: describeValidationError(e), keyword: e.keyword, params: e.params }));
  return { ok: false, errors };
}
