// A student's first lesson on the EdTech platform, as its apps would play it over the HTTP
// API: the student registers (user.created opens a payment account), books a math lesson with
// Ana Silva, and the lesson booking saga checks availability, authorizes the payment and
// creates the lesson with a chat session: CONFIRMED; lesson.scheduled captures the payment
// (payment.completed) and both sides are notified.
//
// Named in the example's package.json `config.demoDay`:
//   npm start -- --project examples/edtech
//   npm run demo -- --project examples/edtech --day
// tests/e2e/booking.test.ts plays it on its own local cloud. Each play registers a new student
// (an email of its correlation id) and books a slot of its own.
import type { DemoDay, DemoSession } from '../../../../scripts/demo';
import { expectStatus, pollGet } from '../../../../scripts/demo-steps';

type Body = Record<string, unknown>;

export const DEMO_TUTOR = 'tut-ana';
export const DEMO_SUBJECT = 'math';

export interface LessonOutcome {
  studentId: string;
  bookingId: string;
  lessonId: string;
  paymentId: string;
  /** The notification kinds the student received. */
  notifications: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Lesson slots of the session: Ana teaches math on weekdays, 9:00 to 17:00 UTC; a slot in the
 * year from the Monday a week or more after `now`, picked by the correlation id, then the next
 * ones (a slot another play took is SLOT_TAKEN).
 */
export function* lessonSlots(correlationId: string, now: number = Date.now()): Generator<string> {
  const seed = Number.parseInt(correlationId.replace(/[^0-9a-f]/gi, '').slice(0, 8) || '0', 16);
  const week = new Date(now + 7 * 86_400_000);
  const start = Date.UTC(week.getUTCFullYear(), week.getUTCMonth(), week.getUTCDate() + ((8 - week.getUTCDay()) % 7)); // a Monday
  for (let n = 0; ; n += 1) {
    const slot = (seed + n) % (260 * 8); // a year of weekdays, 8 hours a day
    const weekday = Math.floor(slot / 8);
    const day = new Date(start + (Math.floor(weekday / 5) * 7 + (weekday % 5)) * 86_400_000);
    day.setUTCHours(9 + (slot % 8));
    yield day.toISOString();
  }
}

/** Plays the student's first lesson; throws naming the step that did not happen. */
export async function playFirstLesson(session: DemoSession, options: { stepTimeoutMs?: number } = {}): Promise<LessonOutcome> {
  const timeoutMs = options.stepTimeoutMs ?? 30_000;
  const email = `student-${session.correlationId.slice(0, 8)}@example.com`;

  session.say(`a student registers (${email})`);
  const user = expectStatus('POST /users', await session.call('POST', '/users', { email, role: 'STUDENT', authMethod: 'PASSWORD', name: 'Demo Student' }), 201);
  const studentId = String(user['userId']);
  await session.waitFor('user.created', (d) => d['userId'] === studentId, { timeoutMs });

  const slots = lessonSlots(session.correlationId);
  for (let attempt = 1; ; attempt += 1) {
    const requestedTime = slots.next().value as string;
    session.say(`books a ${DEMO_SUBJECT} lesson with ${DEMO_TUTOR} at ${requestedTime}`);
    const accepted = expectStatus('POST /bookings', await session.call('POST', '/bookings', { studentId, tutorId: DEMO_TUTOR, requestedTime, subject: DEMO_SUBJECT }), 202);
    const bookingId = String(accepted['bookingId']);
    const booking = await pollGet(session, `/bookings/${bookingId}`, (b) => b['status'] !== 'PENDING', `booking ${bookingId} decided`, timeoutMs);
    const failure = booking['failure'] as { code?: string; reason?: string } | undefined;
    if (booking['status'] !== 'CONFIRMED') {
      // The payment account opens when payments handles user.created, which may come after the
      // booking's authorization (NO_ACCOUNT); a slot may be taken (SLOT_TAKEN): book again.
      if (attempt < 4 && (failure?.code === 'NO_ACCOUNT' || failure?.code === 'SLOT_TAKEN')) {
        session.say(`the saga compensated (${failure.code}): booking again`);
        await sleep(500);
        continue;
      }
      throw new Error(`booking ${bookingId} ended ${String(booking['status'])}: ${JSON.stringify(failure)}`);
    }
    const lessonId = String(booking['lessonId']);
    const paymentId = String(booking['paymentId']);
    session.say(`CONFIRMED: lesson ${lessonId}, chat session ${String(booking['chatSessionId'])}; the payment is captured when the lesson is scheduled`);
    await session.waitFor('payment.completed', (d) => d['paymentId'] === paymentId, { timeoutMs });
    const mine = await pollGet(session, `/notifications/${studentId}`, (b) => Array.isArray(b['notifications']) && b['notifications'].length > 0, 'the student notified', timeoutMs);
    const notifications = (mine['notifications'] as Body[]).map((n) => String(n['kind']));
    session.say(`the student's notifications: ${notifications.join(', ')}`);
    return { studentId, bookingId, lessonId, paymentId, notifications };
  }
}

const day: DemoDay = { play: (session) => playFirstLesson(session) };
export default day;
