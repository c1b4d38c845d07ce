import { checkAvailability, slotOf, TUTORS, type Tutor } from '../../functions/lessons/availability';
import { authorize, availableCents, capture, openAccount, release, toCents } from '../../functions/payments/accounts';
import { answersAuthorization, parseTestAccounts, TEST_ACCOUNTS } from '../../functions/payments/test-accounts';
import { lessonNotifications } from '../../functions/notifications/messages';
import { DEMO_SUBJECT, DEMO_TUTOR, lessonSlots } from '../flows/edtech-day';

// The services' domain rules, pure: the tutors' availability, the payment accounts' credit,
// and what the notifications say.

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const ana = TUTORS.find((t) => t.tutorId === 'tut-ana') as Tutor;

describe('availability (lessons)', () => {
  const ask = (tutorId: string, subject: string, requestedTime: string) => checkAvailability({ tutorId, subject, requestedTime }, NOW);

  it('accepts a lesson on the hour, in the tutor hours, of a subject taught', () => {
    expect(ask('tut-ana', 'math', '2027-03-02T09:00:00Z')).toEqual({ ok: true, tutor: ana, slot: '2027-03-02T09:00:00.000Z' });
    // The last lesson starts an hour before the end of the day.
    expect(ask('tut-ana', 'physics', '2027-03-02T16:00:00Z').ok).toBe(true);
  });

  it('refuses, by code: unknown tutor, subject not taught, out of hours, not on the hour, a day off, the past', () => {
    expect(ask('tut-zed', 'math', '2027-03-02T10:00:00Z')).toMatchObject({ ok: false, code: 'UNKNOWN_TUTOR' });
    expect(ask('tut-ana', 'english', '2027-03-02T10:00:00Z')).toMatchObject({ ok: false, code: 'SUBJECT_NOT_TAUGHT', reason: 'Ana Silva teaches math, physics, not english' });
    expect(ask('tut-ana', 'math', '2027-03-02T17:00:00Z')).toMatchObject({ ok: false, code: 'OUTSIDE_HOURS' });
    expect(ask('tut-ana', 'math', '2027-03-02T08:00:00Z')).toMatchObject({ ok: false, code: 'OUTSIDE_HOURS' });
    expect(ask('tut-ana', 'math', '2027-03-02T10:30:00Z')).toMatchObject({ ok: false, code: 'OUTSIDE_HOURS', reason: 'lessons start on the hour, not at 2027-03-02T10:30:00.000Z' });
    // 2027-03-06 is a Saturday: Ana works Monday to Friday, Ben on Saturdays too.
    expect(ask('tut-ana', 'math', '2027-03-06T10:00:00Z')).toMatchObject({ ok: false, code: 'OUTSIDE_HOURS' });
    expect(ask('tut-ben', 'english', '2027-03-06T15:00:00Z').ok).toBe(true);
    expect(ask('tut-ana', 'math', '2026-12-01T10:00:00Z')).toMatchObject({ ok: false, code: 'IN_THE_PAST' });
  });

  it('keys a slot by its instant, whatever the spelling', () => {
    expect(slotOf('2027-03-02T11:00:00+01:00')).toBe(slotOf('2027-03-02T10:00:00Z'));
  });
});

describe('payment accounts (payments)', () => {
  it('opens a credit line by role: 100 EUR for students, none for tutors', () => {
    expect(openAccount('u', 'STUDENT')).toEqual({ userId: 'u', role: 'STUDENT', limitCents: 10_000, authorizedCents: 0, capturedCents: 0 });
    expect(authorize(openAccount('t', 'TUTOR'), 't', 1)).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
  });

  it('holds, captures and releases; what is held or captured is not available', () => {
    const held = authorize(openAccount('u', 'STUDENT'), 'u', toCents(40));
    if (!held.ok) throw new Error('expected a hold');
    expect(availableCents(held.account)).toBe(6_000);
    const paid = capture(held.account, 4_000);
    expect([paid.authorizedCents, paid.capturedCents, availableCents(paid)]).toEqual([0, 4_000, 6_000]);
    const second = authorize(paid, 'u', toCents(55));
    if (!second.ok) throw new Error('expected a hold');
    expect(authorize(second.account, 'u', toCents(30))).toEqual({ ok: false, code: 'INSUFFICIENT_FUNDS', reason: '30.00 EUR asked, 5.00 EUR available' });
    expect(availableCents(release(second.account, 5_500))).toBe(6_000);
    expect(authorize(undefined, 'u-x', 100)).toEqual({ ok: false, code: 'NO_ACCOUNT', reason: 'user u-x has no payment account' });
  });

  it('takes EUR amounts with cents, and refuses what is not one', () => {
    expect(toCents(40.1)).toBe(4010);
    expect(() => toCents(-1)).toThrow(/not a non-negative EUR amount/);
    expect(() => toCents(1.005)).toThrow(/at most two decimals/);
  });
});

describe('payments test accounts (test-accounts.json)', () => {
  it('has one silent account, not of a real user id form; every other user is answered', () => {
    expect([...TEST_ACCOUNTS.entries()].map(([id, a]) => [id, a.behaviour])).toEqual([['usr-test-payment-silent', 'silent']]);
    expect(answersAuthorization('usr-test-payment-silent')).toBe(false);
    expect(answersAuthorization('usr-3f1c2a7e-8b9d-4e5f-a6b7-c8d9e0f1a2b3')).toBe(true);
  });

  it('refuses a file that would make an entry silently inert or catch a real user, naming the entry', () => {
    expect(() => parseTestAccounts({})).toThrow('"accounts" must be an object');
    expect(() => parseTestAccounts({ accounts: { 'usr-x': { behaviour: 'slient', note: 'typo' } } })).toThrow('account usr-x: behaviour must be one of silent, not "slient"');
    expect(() => parseTestAccounts({ accounts: { 'usr-x': { behaviour: 'silent' } } })).toThrow('account usr-x: a note');
    expect(() => parseTestAccounts({ accounts: { 'usr-3f1c2a7e-8b9d-4e5f-a6b7-c8d9e0f1a2b3': { behaviour: 'silent', note: 'n' } } })).toThrow("has the form of a real user's id");
  });
});

describe('lesson notifications', () => {
  it('tells the student (confirmation) and the tutor (notice), with the chat session', () => {
    const notes = lessonNotifications({ lessonId: 'les-1', studentId: 'usr-1', tutorId: 'tut-ana', scheduledTime: '2027-03-02T10:00:00.000Z', subject: 'math', chatSessionId: 'chat-1' });
    expect(notes.map((n) => [n.notificationId, n.userId, n.kind])).toEqual([
      ['les-1-student', 'usr-1', 'LESSON_CONFIRMATION'],
      ['les-1-tutor', 'tut-ana', 'LESSON_NOTIFICATION'],
    ]);
    expect(notes[0]?.text).toBe('Your math lesson with tut-ana is confirmed for 2027-03-02 10:00 UTC. Chat session chat-1 is open.');
  });
});

describe("the demo day's lesson slots (tests/flows/edtech-day.ts)", () => {
  it('are distinct slots the demo tutor accepts, in the future, a week or more ahead', () => {
    for (const correlationId of ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', '5d0349c6-ae81-44c3-8e7c-9ce2edebd5ee']) {
      const slots = lessonSlots(correlationId, NOW);
      const first = Array.from({ length: 30 }, () => slots.next().value as string);
      expect(new Set(first).size).toBe(30);
      for (const slot of first) {
        expect([slot, checkAvailability({ tutorId: DEMO_TUTOR, subject: DEMO_SUBJECT, requestedTime: slot }, NOW).ok]).toEqual([slot, true]);
        expect(Date.parse(slot) - NOW).toBeGreaterThanOrEqual(7 * 86_400_000 - 12 * 3_600_000);
      }
    }
  });
});
