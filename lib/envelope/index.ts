export { toPutEventsEntry, entrySize, PUT_EVENTS_MAX_ENTRIES, PUT_EVENTS_MAX_BYTES, PUT_EVENTS_TIME_BYTES } from './entry';
export type { OutgoingEvent, EntryOptions } from './entry';
export { readMetadata, causedBy, eventAgeMs } from './metadata';
export type { CausingEvent } from './metadata';
export { EnvelopeInvalidError } from './errors';
