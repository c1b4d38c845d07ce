export { createReferenceTable, seedHash, SEED_MARKER_PK, BATCH_WRITE_MAX, BATCH_GET_MAX } from './table';
export type { ReferenceRow, ReferenceTable, ReferenceTableOptions } from './table';
export { ReferenceDataError, ReferenceDataInputError, ReferenceDataSeedError } from './errors';
