// The scheduler's timers (lib/timers on EventBridge Scheduler): one deadline per round.
import { timersFromEnv, type Timers } from '../../../../lib/timers';

let timers: Timers | undefined;
/** The stage's timers, from the environment on first use. */
export const stageTimers: Timers = {
  schedule: (t) => (timers ??= timersFromEnv()).schedule(t),
  cancel: (id) => (timers ??= timersFromEnv()).cancel(id),
};
