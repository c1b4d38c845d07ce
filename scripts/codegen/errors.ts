/** A place in a spec file, 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem found in a spec, with where it is when that is known. */
export interface SpecIssue {
  message: string;
  location?: SourceLocation;
  /** JSON pointer into the resolved document, e.g. /operations/x/action. */
  pointer?: string;
}

/** Base class of every error the codegen raises on purpose. */
export class CodegenError extends Error {
  readonly code: string = 'CODEGEN_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CodegenError';
  }
}

function formatIssue(issue: SpecIssue): string {
  const where = issue.location
    ? `${issue.location.file}:${issue.location.line}:${issue.location.column}`
    : issue.pointer ?? '<spec>';
  const suffix = issue.location && issue.pointer ? ` (at ${issue.pointer})` : '';
  return `${where}: ${issue.message}${suffix}`;
}

/** The spec is not valid AsyncAPI, or breaks one of this project's conventions. */
export class CodegenSpecError extends CodegenError {
  override readonly code: string = 'SPEC_INVALID';
  constructor(readonly issues: SpecIssue[], headline = 'the spec is invalid') {
    super(`${headline}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'CodegenSpecError';
  }
}

/** A message example does not validate against the message payload. */
export class CodegenExampleError extends CodegenSpecError {
  override readonly code = 'EXAMPLE_INVALID';
  constructor(issues: SpecIssue[]) {
    super(issues, 'message examples do not match their payload schema');
    this.name = 'CodegenExampleError';
  }
}

/** The spec uses something valid in AsyncAPI that this codegen does not support. */
export class CodegenUnsupportedError extends CodegenSpecError {
  override readonly code = 'SPEC_UNSUPPORTED';
  constructor(issues: SpecIssue[]) {
    super(issues, 'the spec uses constructs this codegen does not support');
    this.name = 'CodegenUnsupportedError';
  }
}

/** `--check` found generated files that differ from what the spec produces. */
export class CodegenDriftError extends CodegenError {
  override readonly code = 'GENERATED_STALE';
  constructor(readonly files: { path: string; status: 'changed' | 'missing' | 'extra' }[]) {
    super(
      `generated code is stale (run \`npm run codegen\`):\n${files.map((f) => `  ${f.status.padEnd(8)} ${f.path}`).join('\n')}`,
    );
    this.name = 'CodegenDriftError';
  }
}
