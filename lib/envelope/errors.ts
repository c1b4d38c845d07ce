/** An event cannot become a PutEvents entry (empty source, detail not a JSON object, bad time...). */
export class EnvelopeInvalidError extends Error {
  readonly code = 'ENVELOPE_INVALID';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`event cannot be sent: ${reason}`, options);
    this.name = 'EnvelopeInvalidError';
  }
}
