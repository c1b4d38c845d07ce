// Match's timers (lib/timers on EventBridge Scheduler): one per open offer (its expiry)
// and one per saga step the assignment saga waits on.
import { timersFromEnv, type Timers } from '../../lib/timers';

/** The expiry timer of an offer: one per offer, so scheduling it again (a redelivery) keeps the first. */
export const offerTimerId = (offerId: string): string => `offer-${offerId}`;

let timers: Timers | undefined;
/** The stage's timers, from the environment on first use. */
export const stageTimers: Timers = {
  schedule: (t) => (timers ??= timersFromEnv()).schedule(t),
  cancel: (id) => (timers ??= timersFromEnv()).cancel(id),
};
