import { parseFaultSettings } from '../../local/faults';
import { chaosFaults } from '../../scripts/chaos/run';
import { problemCauses, sequenceGaps } from '../../scripts/chaos/verdict';

// The domain-free parts of the chaos verdict: sequence gaps per aggregate, and the fault
// settings of a run (valid, at the rates, seeded).

describe('sequence gaps', () => {
  it('accepts versions 1..n in any order and names each aggregate with a gap, a duplicate or a wrong start', () => {
    const rows = [
      { aggregateId: 'a', version: 2 },
      { aggregateId: 'a', version: 1 },
      { aggregateId: 'b', version: 1 },
      { aggregateId: 'b', version: 3 },
      { aggregateId: 'c', version: 2 },
      { aggregateId: 'd', version: 1 },
      { aggregateId: 'd', version: 1 },
    ];
    expect(sequenceGaps(rows)).toEqual(['b: versions 1,3', 'c: versions 2', 'd: versions 1,1']);
    expect(sequenceGaps([])).toEqual([]);
  });
});

describe('chaos faults', () => {
  it('are valid settings with the issue rates, seeded by the run', () => {
    const settings = parseFaultSettings(chaosFaults(42));
    expect(settings.seed).toBe(42);
    const rate = (service: string, kind: string): number | undefined => settings.faults.find((f) => f.service === service && f.kind === kind)?.rate;
    expect([rate('lambda', 'error'), rate('events', 'entry-failure'), rate('sqs', 'duplicate'), rate('dynamodb', 'throttle')]).toEqual([0.1, 0.05, 0.05, 0.02]);
    expect(rate('lambda', 'crash-after-publish')).toBeGreaterThan(0);
  });
});

describe('problem causes', () => {
  it('count problems that differ only in ids and figures as one cause, most frequent first', () => {
    const causes = problemCauses([
      'offer-accepted 6f64e7da-d8ae-4a98-ad50-81377454c2fb: no offers within 245 s',
      'offer-accepted 0d34128f-6e7c-417c-b94b-d1f9603fe34e: no offers within 200 s',
      'incident-created 1c3543f7-8f1f-59be-8eac-6ad481ac2c09: matching round not ended with an answer from vendor',
    ]);
    expect(causes).toEqual([
      { cause: 'offer-accepted <id>: no offers within N s', count: 2 },
      { cause: 'incident-created <id>: matching round not ended with an answer from vendor', count: 1 },
    ]);
  });
});
