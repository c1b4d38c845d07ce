// The payments service's test accounts (test-accounts.json, read-only data of the service):
// reserved user ids on which the service behaves in a documented, deterministic way, so that
// the end-to-end tests can drive the lesson booking saga's timeout path. The only behaviour:
//   silent  an AuthorizeLessonPayment is carried out (the amount held, the payment AUTHORIZED)
//           but its answer is never sent, as if it were lost on the way.
// Real users' ids are `usr-<uuid>` (functions/users/commands.ts), never one of these.
import data from './test-accounts.json';

export type TestBehaviour = 'silent';
const BEHAVIOURS: readonly string[] = ['silent'];

export interface TestAccount {
  behaviour: TestBehaviour;
  note: string;
}

/** The test accounts of a parsed test-accounts.json, checked: a typo must not make an entry silently inert. */
export function parseTestAccounts(file: unknown): ReadonlyMap<string, TestAccount> {
  const accounts = (file as { accounts?: unknown } | null)?.accounts;
  if (typeof accounts !== 'object' || accounts === null || Array.isArray(accounts)) throw new Error('test-accounts.json: "accounts" must be an object of user id -> {behaviour, note}');
  const out = new Map<string, TestAccount>();
  for (const [userId, entry] of Object.entries(accounts as Record<string, unknown>)) {
    const { behaviour, note } = (entry ?? {}) as { behaviour?: unknown; note?: unknown };
    if (typeof behaviour !== 'string' || !BEHAVIOURS.includes(behaviour)) throw new Error(`test-accounts.json: account ${userId}: behaviour must be one of ${BEHAVIOURS.join(', ')}, not ${JSON.stringify(behaviour)}`);
    if (typeof note !== 'string' || note.length === 0) throw new Error(`test-accounts.json: account ${userId}: a note saying what the account does is required`);
    if (/^usr-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) throw new Error(`test-accounts.json: account ${userId} has the form of a real user's id (usr-<uuid>)`);
    out.set(userId, { behaviour: behaviour as TestBehaviour, note });
  }
  return out;
}

export const TEST_ACCOUNTS = parseTestAccounts(data);

/** Does this user's account withhold the answer to a lesson payment authorization? */
export function answersAuthorization(userId: string, accounts: ReadonlyMap<string, TestAccount> = TEST_ACCOUNTS): boolean {
  return accounts.get(userId)?.behaviour !== 'silent';
}
