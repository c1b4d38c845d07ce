import type { ScheduleTimer, Timers } from '../../lib/timers';

/** Timers in memory for engine tests: what was scheduled and cancelled, and what is pending. */
export function fakeTimers(): Timers & { scheduled: ScheduleTimer[]; cancelled: string[]; pending: Map<string, ScheduleTimer> } {
  const pending = new Map<string, ScheduleTimer>();
  const scheduled: ScheduleTimer[] = [];
  const cancelled: string[] = [];
  return {
    scheduled,
    cancelled,
    pending,
    async schedule(timer) {
      scheduled.push(timer);
      const created = !pending.has(timer.id);
      if (created) pending.set(timer.id, timer);
      return { name: timer.id, dueAt: new Date(String(timer.at ?? 0)), created };
    },
    async cancel(id) {
      cancelled.push(id);
      return pending.delete(id);
    },
  };
}
