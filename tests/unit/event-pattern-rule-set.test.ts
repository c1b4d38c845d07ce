import { compilePattern, InvalidEventPatternError, matches, RuleSet, type EventPattern } from '../../local/event-pattern';

// RuleSet files rules under exact values to avoid evaluating every rule; these tests hold
// it to giving exactly the answers of `matches`, rule by rule, on a randomized mix of rules
// (every operator, $or, exists: false, arrays of objects) and events.

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = ['app.orders', 'app.users', 'app.billing'];
const TYPES = ['Created', 'Updated', 'Deleted', 'Failed'];
const STATUSES = ['open', 'OPEN', 'closed', 'pending'];
const FILES = ['a.png', 'b.PNG', 'c.txt', 'lib/x.js'];

function generators(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const some = <T>(items: readonly T[]): T[] => Array.from(new Set([pick(items), pick(items)]));

  const leaf = (): Record<string, unknown> => {
    switch (Math.floor(random() * 12)) {
      case 0: return { status: some(STATUSES) };
      case 1: return { status: [{ 'equals-ignore-case': pick(STATUSES) }] };
      case 2: return { status: [{ 'anything-but': some(STATUSES) }] };
      case 3: return { amount: [{ numeric: ['>', Math.floor(random() * 50), '<=', 50 + Math.floor(random() * 50)] }] };
      case 4: return { amount: [Math.floor(random() * 5) * 10] };
      case 5: return { file: [{ suffix: { 'equals-ignore-case': '.png' } }, { prefix: 'lib/' }] };
      case 6: return { file: [{ wildcard: '*.p*g' }] };
      case 7: return { coupon: [{ exists: random() < 0.5 }] };
      case 8: return { ip: [{ cidr: pick(['10.0.0.0/24', '10.0.1.0/25', '2001:db8::/32']) }] };
      case 9: return { items: { sku: [pick(['A', 'B', 'C'])], qty: [{ numeric: ['>=', Math.floor(random() * 4)] }] } };
      case 10: return { items: { sku: [{ exists: false }], qty: [1, 2] } };
      default: return { flag: [true, null] };
    }
  };

  const pattern = (): EventPattern => {
    const routing: Record<string, unknown> = {};
    if (random() < 0.8) routing['source'] = some(SOURCES);
    if (random() < 0.6) routing['detail-type'] = some(TYPES);
    if (random() < 0.15) routing['source'] = [{ prefix: 'app.' }];
    const detail: Record<string, unknown> = { ...leaf(), ...(random() < 0.5 ? leaf() : {}) };
    const result: Record<string, unknown> = { ...routing, detail };
    if (random() < 0.2) result['$or'] = [{ detail: leaf() }, { 'detail-type': some(TYPES) }];
    return result as EventPattern;
  };

  const event = (): Record<string, unknown> => {
    const data: Record<string, unknown> = {
      status: pick(STATUSES),
      amount: Math.floor(random() * 10) * 10,
      file: pick(FILES),
      ip: pick(['10.0.0.7', '10.0.1.200', '2001:db8::5', 'n/a']),
      items: Array.from({ length: Math.floor(random() * 3) }, () =>
        random() < 0.8 ? { sku: pick(['A', 'B', 'C']), qty: Math.floor(random() * 4) } : { qty: 1 },
      ),
      flag: pick([true, false, null]),
    };
    if (random() < 0.4) data['coupon'] = 'C1';
    if (random() < 0.2) delete data['status'];
    return { source: pick(SOURCES), 'detail-type': pick(TYPES), detail: data };
  };

  return { pattern, event };
}

const byMatches = (rules: ReadonlyMap<string, EventPattern>, event: unknown): string[] =>
  [...rules].filter(([, pattern]) => matches(pattern, event)).map(([id]) => id);

describe('RuleSet', () => {
  it('gives the same answers as matches, rule by rule, on a randomized mix of rules and events', () => {
    // Prepare
    const { pattern, event } = generators(prng(7));
    const rules = new Map<string, EventPattern>();
    const set = new RuleSet<string>();
    for (let i = 0; i < 300; i += 1) {
      const p = pattern();
      rules.set(`r${i}`, p);
      set.add(`r${i}`, p, `target-${i}`);
    }
    const events = Array.from({ length: 600 }, event);
    // Act
    const answers = events.map((e) => [set.matchingIds(e), byMatches(rules, e)]);
    // Assess
    let matched = 0;
    for (const [got, expected] of answers) {
      expect(got).toEqual(expected);
      matched += (expected as string[]).length;
    }
    expect(matched).toBeGreaterThan(events.length); // the mix matches often enough to mean something
  });

  it('keeps giving the same answers after removing half the rules and replacing some', () => {
    const { pattern, event } = generators(prng(11));
    const rules = new Map<string, EventPattern>();
    const set = new RuleSet<number>();
    for (let i = 0; i < 200; i += 1) {
      const p = pattern();
      rules.set(`r${i}`, p);
      set.add(`r${i}`, p, i);
    }
    for (let i = 0; i < 200; i += 2) {
      expect(set.remove(`r${i}`)).toBe(true);
      rules.delete(`r${i}`);
    }
    for (let i = 1; i < 200; i += 10) {
      const p = pattern();
      rules.delete(`r${i}`);
      rules.set(`r${i}`, p); // a replaced rule moves to the end, as in the set
      set.add(`r${i}`, p, i);
    }
    expect(set.size).toBe(100);
    for (const e of Array.from({ length: 300 }, event)) expect(set.matchingIds(e)).toEqual(byMatches(rules, e));
  });

  it('returns the values of the matching rules in the order the rules were added', () => {
    const set = new RuleSet<string>()
      .add('all-orders', { source: ['app.orders'] }, 'audit')
      .add('big-orders', { source: ['app.orders'], detail: { total: [{ numeric: ['>', 100] }] } }, 'review')
      .add('users', { source: ['app.users'] }, 'crm')
      .add('anything', { detail: { total: [{ exists: true }] } }, 'metrics');
    expect(set.matching({ source: 'app.orders', detail: { total: 150 } })).toEqual(['audit', 'review', 'metrics']);
    expect(set.matching({ source: 'app.orders', detail: { total: 50 } })).toEqual(['audit', 'metrics']);
    expect(set.matchingIds('{"source":"app.users"}')).toEqual(['users']);
    expect(set.matching('not json')).toEqual([]);
    expect(set.matching(['app.orders'])).toEqual([]);
  });

  it('removes rules and reports whether there was one', () => {
    const set = new RuleSet<string>().add('a', { source: ['x'] }, 'A').add('b', { source: ['x'] }, 'B');
    expect(set.remove('a')).toBe(true);
    expect(set.remove('a')).toBe(false);
    expect(set.has('a')).toBe(false);
    expect(set.matching({ source: 'x' })).toEqual(['B']);
    expect(set.remove('b')).toBe(true);
    expect(set.size).toBe(0);
    expect(set.matching({ source: 'x' })).toEqual([]);
  });

  it('rejects an invalid pattern and leaves the set as it was', () => {
    const set = new RuleSet<string>().add('a', { source: ['x'] }, 'A');
    expect(() => set.add('a', { source: 'x' } as unknown as EventPattern, 'B')).toThrow(InvalidEventPatternError);
    expect(set.matching({ source: 'x' })).toEqual(['A']);
  });

  it('accepts compiled patterns and JSON text, and matches a rule once even when several alternatives hold', () => {
    const set = new RuleSet<string>()
      .add('compiled', compilePattern({ source: ['x'] }), 'C')
      .add('text', '{"$or":[{"source":["x"]},{"detail-type":["T"]}]}', 'T')
      .add('list', { resources: ['r1', 'r2'] }, 'L');
    expect(set.matching({ source: 'x', 'detail-type': 'T', resources: ['r1', 'r2'] })).toEqual(['C', 'T', 'L']);
  });
});

describe('RuleSet edge cases', () => {
  it('keeps -0 and 0 apart as EventBridge does, also when a rule is filed under 0', () => {
    const set = new RuleSet<string>().add('zero', { n: [0] }, 'Z').add('range', { n: [{ numeric: ['>=', 0] }] }, 'R');
    const negativeZero: unknown = JSON.parse('{"n":-0}');
    expect(matches({ n: [0] }, negativeZero)).toBe(false);
    expect(set.matching(negativeZero)).toEqual([]);
    expect(set.matching({ n: 0 })).toEqual(['Z', 'R']);
  });

  it('files rules with only prefixes, and still answers like matches', () => {
    const set = new RuleSet<string>()
      .add('orders', { 'detail-type': [{ prefix: 'Order' }] }, 'O')
      .add('both', { 'detail-type': [{ prefix: 'Order' }, 'Refund'] }, 'B')
      .add('empty', { 'detail-type': [{ prefix: '' }] }, 'E');
    expect(set.matching({ 'detail-type': 'OrderPlaced' })).toEqual(['O', 'B', 'E']);
    expect(set.matching({ 'detail-type': 'Refund' })).toEqual(['B', 'E']);
    expect(set.matching({ 'detail-type': 'Ord' })).toEqual(['E']);
    expect(set.remove('orders')).toBe(true);
    expect(set.matching({ 'detail-type': 'OrderPlaced' })).toEqual(['B', 'E']);
  });
});
