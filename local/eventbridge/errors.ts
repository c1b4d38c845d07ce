/** An EventBridge API error with the AWS error code the SDK turns into its typed exception. */
export class EventBridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}
