/** Base of lib/reference-data's errors. */
export class ReferenceDataError extends Error {
  override readonly name: string = 'ReferenceDataError';
  readonly code: string = 'REFERENCE_DATA_ERROR';
}

/** Rows that cannot be seeded (no pk/sk, a duplicate key, a reserved key): nothing is written. */
export class ReferenceDataInputError extends ReferenceDataError {
  override readonly name = 'ReferenceDataInputError';
  override readonly code = 'REFERENCE_DATA_INPUT';
  constructor(
    readonly table: string,
    readonly problems: readonly string[],
  ) {
    super(`reference data for ${table}: ${problems.join('; ')}`);
  }
}

/** DynamoDB kept leaving items unprocessed (throttling): the seed is retried by the next call. */
export class ReferenceDataSeedError extends ReferenceDataError {
  override readonly name = 'ReferenceDataSeedError';
  override readonly code = 'REFERENCE_DATA_SEED';
}
