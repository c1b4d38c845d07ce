/** A local Lambda invocation could not be made (unknown function, runner stopped). */
export class LambdaInvocationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LambdaInvocationError';
  }
}
