import { decodeRecord } from '../../lib/consumer';
import { envelopeUpcastStep, EventUpcastError, EventValidationError, parseEvent, type EnvelopeUpcaster, type Route, type StandaloneValidator } from '../../lib/envelope';
import { assignFamilies, deprecationOf, familyOf, majorOf, planUpcasts, versionName } from '../../scripts/codegen/versions';

// Event families and upcasting: the shared definition of a version (scripts/codegen/versions.ts)
// and the runtime that carries an older version up to the one a handler sees (lib/envelope).

describe('event families and versions', () => {
  it('reads the major from x-version, else from the name, else 1', () => {
    expect(majorOf('2.0')).toBe(2);
    expect(majorOf(3)).toBe(3);
    expect(majorOf('1.10.2')).toBe(1);
    expect(majorOf('beta')).toBeUndefined();
    expect(familyOf({ name: 'IncidentCreatedV2', version: '2.0' })).toEqual({ family: 'IncidentCreated', major: 2 });
    expect(familyOf({ name: 'IncidentCreatedV3' })).toEqual({ family: 'IncidentCreated', major: 3 });
    expect(familyOf({ name: 'IncidentCreated', version: '1.0' })).toEqual({ family: 'IncidentCreated', major: 1 });
    expect(familyOf({ name: 'order.placed.v2' })).toEqual({ family: 'order.placed', major: 2 });
  });

  it('does not take a V<n> suffix that x-version contradicts for a version', () => {
    expect(familyOf({ name: 'ScannerV2', version: '1.0' })).toEqual({ family: 'ScannerV2', major: 1 });
  });

  it('joins messages sharing source and detail-type into the first one\'s family', () => {
    const families = assignFamilies([
      { name: 'OrderPlaced', version: '1.0', eventbridge: { source: 'shop', detailType: 'OrderPlaced' } },
      { name: 'OrderPlacedNext', version: '2.0', eventbridge: { source: 'shop', detailType: 'OrderPlaced' } },
      { name: 'OrderPlacedV3', version: '3.0', eventbridge: { source: 'shop', detailType: 'OrderPlacedV3' } },
    ]);
    expect([...families.entries()]).toEqual([
      ['OrderPlaced', { family: 'OrderPlaced', major: 1 }],
      ['OrderPlacedNext', { family: 'OrderPlaced', major: 2 }],
      ['OrderPlacedV3', { family: 'OrderPlaced', major: 3 }],
    ]);
  });

  it('names versions by convention and reads x-deprecated', () => {
    expect(versionName('IncidentCreated', 1)).toBe('IncidentCreated');
    expect(versionName('IncidentCreated', 2)).toBe('IncidentCreatedV2');
    expect(deprecationOf({ 'x-deprecated': true })).toEqual({ deprecated: true });
    expect(deprecationOf({ 'x-deprecated': ' use V2 ' })).toEqual({ deprecated: true, reason: 'use V2' });
    expect(deprecationOf({ 'x-deprecated': false })).toEqual({ deprecated: false });
    expect(deprecationOf({})).toEqual({ deprecated: false });
  });
});

describe('upcast plans', () => {
  const spec = ['IncidentCreated', 'IncidentCreatedV2', 'IncidentCreatedV3', 'OfferMade'];
  const versionOf = (name: string): { family: string; major: number } => familyOf({ name });
  const members = (names: string[]) => (family: string) => names.map((n) => ({ name: n, ...versionOf(n) })).filter((m) => m.family === family);

  it('carries each older version received up to the latest one, one major at a time, in order', () => {
    // Act
    const plan = planUpcasts(['IncidentCreated', 'IncidentCreatedV3', 'OfferMade', 'IncidentCreatedV2'], members(spec), versionOf);

    // Assess
    expect(plan.gaps).toEqual([]);
    expect(plan.latest.get('IncidentCreated')).toBe('IncidentCreatedV3');
    expect(plan.latest.get('OfferMade')).toBe('OfferMade');
    expect(plan.chains.map((c) => [c.message, c.steps.map((s) => `${s.from}->${s.to}`)])).toEqual([
      ['IncidentCreated', ['IncidentCreated->IncidentCreatedV2', 'IncidentCreatedV2->IncidentCreatedV3']],
      ['IncidentCreatedV2', ['IncidentCreatedV2->IncidentCreatedV3']],
    ]);
  });

  it('upcasts through a version the queue does not receive itself', () => {
    const plan = planUpcasts(['IncidentCreated', 'IncidentCreatedV3'], members(spec), versionOf);
    expect(plan.chains[0]?.steps.map((s) => [s.fromMajor, s.toMajor])).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });

  it('names the missing step of a chain with a gap (v1 -> v3 without v2)', () => {
    const plan = planUpcasts(['IncidentCreated', 'IncidentCreatedV3'], members(['IncidentCreated', 'IncidentCreatedV3']), versionOf);
    expect(plan.chains).toEqual([]);
    expect(plan.gaps).toEqual([{ family: 'IncidentCreated', message: 'IncidentCreated', latest: 'IncidentCreatedV3', missingMajor: 2, from: 'IncidentCreated', fromMajor: 1 }]);
  });

  it('plans nothing for a queue that receives one version', () => {
    const plan = planUpcasts(['IncidentCreated'], members(spec), versionOf);
    expect(plan.chains).toEqual([]);
    expect(plan.gaps).toEqual([]);
  });
});

describe('upcasting at run time (lib/envelope)', () => {
  type V1 = { metadata: { eventId: string; eventVersion: string }; data: { problemType: string } };
  type V2 = { metadata: { eventId: string; eventVersion: string }; data: { problem: { type: string } } };
  type V3 = { metadata: { eventId: string; eventVersion: string }; data: { problem: { type: string; severity: string } } };

  /** A validator of `{ metadata: { eventVersion: <version> }, data }` whose data passes `ok`. */
  function validator(version: string, ok: (data: Record<string, unknown>) => boolean): StandaloneValidator {
    const validate: StandaloneValidator = (input: unknown) => {
      const d = input as { metadata?: { eventVersion?: unknown }; data?: Record<string, unknown> };
      const good = d?.metadata?.eventVersion === version && typeof d.data === 'object' && d.data !== null && ok(d.data);
      validate.errors = good ? null : [{ instancePath: '/data', keyword: 'shape', params: {}, message: `is not version ${version} data` }];
      return good;
    };
    return validate;
  }
  const v1Schema = validator('1.0', (d) => typeof d['problemType'] === 'string');
  const v2Schema = validator('2.0', (d) => typeof (d['problem'] as { type?: unknown })?.type === 'string' && !('problemType' in d));
  const v3Schema = validator('3.0', (d) => typeof (d['problem'] as { severity?: unknown })?.severity === 'string');

  const calls: string[] = [];
  const toV2: EnvelopeUpcaster<V1, V2> = ({ problemType }) => {
    calls.push('v1->v2');
    return { problem: { type: problemType } };
  };
  const toV3: EnvelopeUpcaster<V2, V3> = (data, metadata) => {
    calls.push(`v2->v3 ${metadata.eventVersion}`);
    return { problem: { ...data.problem, severity: 'unknown' } };
  };
  const routes = (upcast12 = toV2, upcast23 = toV3): Record<'IncidentCreated' | 'IncidentCreatedV2' | 'IncidentCreatedV3', Route> => {
    const s2 = envelopeUpcastStep(upcast12, { messageName: 'IncidentCreatedV2', detailType: 'IncidentCreatedV2', version: '2.0', validate: v2Schema });
    const s3 = envelopeUpcastStep(upcast23, { messageName: 'IncidentCreatedV3', detailType: 'IncidentCreatedV3', version: '3.0', validate: v3Schema });
    return {
      IncidentCreated: { messageName: 'IncidentCreated', sources: ['roadcall.incident'], validate: v1Schema, upcast: [s2, s3] },
      IncidentCreatedV2: { messageName: 'IncidentCreatedV2', sources: ['roadcall.incident'], validate: v2Schema, upcast: [s3] },
      IncidentCreatedV3: { messageName: 'IncidentCreatedV3', sources: ['roadcall.incident'], validate: v3Schema },
    };
  };
  const event = (detailType: string, detail: unknown): Record<string, unknown> => ({ version: '0', id: 'e-1', 'detail-type': detailType, source: 'roadcall.incident', account: '1', time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail });

  beforeEach(() => {
    calls.length = 0;
  });

  it('runs the steps in order and hands over the latest detail-type, keeping the envelope but its eventVersion', () => {
    // Prepare
    const input = event('IncidentCreated', { metadata: { eventId: 'id-1', eventVersion: '1.0' }, data: { problemType: 'battery' } });

    // Act
    const parsed = parseEvent<{ IncidentCreatedV3: V3 }>('q', routes(), input);

    // Assess
    expect(calls).toEqual(['v1->v2', 'v2->v3 2.0']);
    expect(parsed['detail-type']).toBe('IncidentCreatedV3');
    expect(parsed.id).toBe('e-1');
    expect(parsed.detail).toEqual({ metadata: { eventId: 'id-1', eventVersion: '3.0' }, data: { problem: { type: 'battery', severity: 'unknown' } } });
    expect((input['detail'] as V1).metadata.eventVersion).toBe('1.0');
  });

  it('leaves the latest version untouched', () => {
    const input = event('IncidentCreatedV3', { metadata: { eventId: 'id-3', eventVersion: '3.0' }, data: { problem: { type: 'tow', severity: 'high' } } });
    expect(parseEvent('q', routes(), input)).toBe(input);
    expect(calls).toEqual([]);
  });

  it('checks an older version against its own schema before any upcaster runs', () => {
    const input = event('IncidentCreated', { metadata: { eventId: 'id-1', eventVersion: '1.0' }, data: { problem: 'battery' } });
    expect(() => parseEvent('q', routes(), input)).toThrow(EventValidationError);
    expect(() => parseEvent('q', routes(), input)).toThrow(/^IncidentCreated does not match its schema/);
    expect(calls).toEqual([]);
  });

  it('rejects the result of a step that breaks the next version, naming the step', () => {
    // Prepare: a buggy v1 -> v2 that keeps problemType
    const leaky: EnvelopeUpcaster<V1, V2> = (data) => ({ ...data, problem: { type: data.problemType } });
    const input = event('IncidentCreated', { metadata: { eventId: 'id-1', eventVersion: '1.0' }, data: { problemType: 'fuel' } });

    // Act
    let error: unknown;
    try {
      parseEvent('q', routes(leaky), input);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(EventUpcastError);
    expect((error as EventUpcastError).code).toBe('EVENT_UPCAST_FAILED');
    expect((error as EventUpcastError).retryable).toBe(false);
    expect((error as Error).message).toBe('upcaster IncidentCreated -> IncidentCreatedV2 made a detail that does not match IncidentCreatedV2: /data is not version 2.0 data');
    expect(calls).toEqual([]);
  });

  it('turns an upcaster that throws into a non-retryable rejection with the step and the cause', () => {
    // Prepare
    const throwing: EnvelopeUpcaster<V2, V3> = () => {
      throw new RangeError('no severity table');
    };
    const body = JSON.stringify(event('IncidentCreatedV2', { metadata: { eventId: '3f1c3b8e-3c1e-4a53-9b57-2f7a0e0c6a11', eventVersion: '2.0' }, data: { problem: { type: 'tow' } } }));

    // Act
    const decoded = decodeRecord({ messageId: 'm-1', body, attributes: { ApproximateReceiveCount: '1' } as never }, 'reporting-queue', routes(toV2, throwing));

    // Assess
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.rejection).toMatchObject({ errorCode: 'EVENT_UPCAST_FAILED', canRetry: false, detailType: 'IncidentCreatedV2', reason: 'upcaster IncidentCreatedV2 -> IncidentCreatedV3 threw RangeError: no severity table' });
  });

  it('names the received detail-type when an older version fails its own schema', () => {
    const body = JSON.stringify(event('IncidentCreated', { metadata: { eventId: '3f1c3b8e-3c1e-4a53-9b57-2f7a0e0c6a11', eventVersion: '1.0' }, data: {} }));
    const decoded = decodeRecord({ messageId: 'm-2', body, attributes: { ApproximateReceiveCount: '1' } as never }, 'reporting-queue', routes());
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.rejection.errorCode).toBe('EVENT_SCHEMA_INVALID');
    expect(decoded.rejection.reason).toBe('IncidentCreated does not match its schema: /data is not version 1.0 data [shape]');
  });

  it('refuses a step built without a function', () => {
    expect(() => envelopeUpcastStep(undefined as unknown as EnvelopeUpcaster<V1, V2>, { messageName: 'IncidentCreatedV2', detailType: 'IncidentCreatedV2', version: '2.0', validate: v2Schema })).toThrow(/the upcaster to IncidentCreatedV2 is not a function/);
  });
});
