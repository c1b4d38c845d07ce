/** Base of the publisher's errors. */
export class BusError extends Error {
  readonly code: string = 'BUS_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusError';
  }
}

/** Identifies one event of a publish call in an error. */
export interface EventRef {
  /** Position in the `publish` input. */
  index: number;
  source: string;
  detailType: string;
  bus: string;
  /** `detail.metadata.eventId` when the event has an envelope. */
  envelopeEventId?: string;
}

export interface RefusedEvent extends EventRef {
  reason: string;
}

/** Events refused before anything was sent (invalid or larger than PutEvents allows). Nothing was published. */
export class PublishRefusedError extends BusError {
  override readonly code = 'BUS_PUBLISH_REFUSED';
  constructor(
    readonly refused: RefusedEvent[],
    options?: { cause?: unknown },
  ) {
    super(`refused to publish ${refused.length} event(s), nothing sent: ${refused.map((r) => `#${r.index} ${r.detailType}${r.envelopeEventId ? ` (${r.envelopeEventId})` : ''}: ${r.reason}`).join('; ')}`, options);
    this.name = 'PublishRefusedError';
  }
}

export interface UnsentEvent extends EventRef {
  errorCode: string;
  errorMessage: string;
  /** PutEvents calls that included this entry. */
  attempts: number;
}

export interface PublishedEvent extends EventRef {
  /** The id EventBridge gave the event. */
  eventId: string;
}

/**
 * Some events could not be published after every allowed attempt. `unsent` names each of
 * them with its last error; `published` lists the ones that did go out (callers such as
 * an outbox relay mark those as sent and keep the others).
 */
export class PublishFailedError extends BusError {
  override readonly code = 'BUS_PUBLISH_FAILED';
  constructor(
    readonly unsent: UnsentEvent[],
    readonly published: PublishedEvent[],
    options?: { cause?: unknown },
  ) {
    super(
      `${unsent.length} event(s) not published (${published.length} published): ${unsent.map((u) => `#${u.index} ${u.detailType}${u.envelopeEventId ? ` (${u.envelopeEventId})` : ''} on ${u.bus}: ${u.errorCode} ${u.errorMessage} after ${u.attempts} attempt(s)`).join('; ')}`,
      options,
    );
    this.name = 'PublishFailedError';
  }
}
