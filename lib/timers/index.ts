export { createTimers, timersFromEnv, scheduleName, atExpression, TIMER_ENV } from './timers';
export type { Timers, TimersOptions, ScheduleTimer, TimerEvent } from './timers';
export { TimerError, TimerInputError, TimerScheduleError } from './errors';
