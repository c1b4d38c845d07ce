/** A Scheduler API error: its AWS error code (the SDK's typed exception) and HTTP status. */
export class SchedulerError extends Error {
  constructor(
    readonly code: 'ValidationException' | 'ResourceNotFoundException' | 'ConflictException' | 'ServiceQuotaExceededException' | 'InternalServerException',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }

  get status(): number {
    return { ValidationException: 400, ResourceNotFoundException: 404, ConflictException: 409, ServiceQuotaExceededException: 402, InternalServerException: 500 }[this.code];
  }
}

export const invalid = (message: string): SchedulerError => new SchedulerError('ValidationException', message);
