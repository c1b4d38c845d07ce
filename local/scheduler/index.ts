export { SchedulerBackend, type SchedulerBackendOptions } from './backend';
export { handleSchedulerRequest, isSchedulerPath, type SchedulerRequest, type SchedulerResponse } from './protocol';
export { parseScheduleExpression, wallToUtc, zoneOffsetMs, type ScheduleTiming } from './expressions';
export { SchedulerError } from './errors';
export type { Schedule, ScheduleGroup, ScheduleTarget } from './model';
export { createSchedulerRequestHandler, type SchedulerRequestHandler } from './server';
