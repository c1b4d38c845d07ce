/** Base class of lib/gather's errors. */
export class GatherError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatherError';
  }
}

/** A gather definition is inconsistent: every problem at once. */
export class GatherDefinitionError extends GatherError {
  constructor(readonly gather: string, readonly problems: string[]) {
    super(`gather ${gather} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'GatherDefinitionError';
  }
}

/** Reading or writing a gather's state failed (not a lost condition: those are outcomes). */
export class GatherStoreError extends GatherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatherStoreError';
  }
}
