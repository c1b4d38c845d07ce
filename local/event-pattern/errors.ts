/** Base class of every error the event-pattern matcher raises on purpose. */
export class EventPatternError extends Error {
  readonly code: string = 'EVENT_PATTERN_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventPatternError';
  }
}

/**
 * The pattern is one EventBridge rejects. The message follows AWS's
 * `InvalidEventPatternException` ("Event pattern is not valid. Reason: ...") and adds
 * where in the pattern the problem is, as the dotted field path.
 */
export class InvalidEventPatternError extends EventPatternError {
  /** The name AWS gives this error, so a local EventBridge API can return it as is. */
  override readonly code = 'InvalidEventPatternException';

  constructor(
    /** What is wrong, in AWS's words where AWS has words for it. */
    readonly reason: string,
    /** Dotted path of the offending field ('' for the pattern itself). */
    readonly path = '',
    options?: { cause?: unknown },
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${path ? ` (at "${path}")` : ''}`, options);
    this.name = 'InvalidEventPatternError';
  }
}
