/** Base of the timer errors; `code` is stable across process boundaries. */
export class TimerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TimerError';
  }
}

/** A timer asked for in a way that cannot be scheduled (no due time, two due times, a bad date). */
export class TimerInputError extends TimerError {
  constructor(message: string) {
    super('TIMER_INPUT_INVALID', message);
    this.name = 'TimerInputError';
  }
}

/** The Scheduler refused or failed a call; `cause` is the SDK error. */
export class TimerScheduleError extends TimerError {
  constructor(message: string, options: { cause: unknown }) {
    super('TIMER_SCHEDULE_FAILED', message, options);
    this.name = 'TimerScheduleError';
  }
}
