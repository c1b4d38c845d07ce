import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSpecs, type Finding } from '../../scripts/spec-diff/diff';
import { checkExamples } from '../../scripts/spec-diff/empirical';
import { readSnapshot } from '../../scripts/spec-diff/load';
import { freshDir, ROOT } from '../helpers/codegen';

// spec:diff on the versioned copy of the Roadcall spec (tests/fixtures/specs/versions): the
// base is the spec before v2 (IncidentCreated alone, not deprecated), the head adds
// IncidentCreatedV2 with a breaking change. A breaking change shipped as a new version of the
// family passes the gate; the same change made to IncidentCreated in place fails it, and the
// advice names the version to add.

const FIXTURE = join(ROOT, 'tests', 'fixtures', 'specs', 'versions');

/** The spec as it was before v2: the fixture without IncidentCreatedV2, v1 not deprecated. */
function beforeV2(dir: string): string {
  const copy = join(dir, 'base');
  cpSync(FIXTURE, copy, { recursive: true });
  const messages = join(copy, 'incident', 'messages.yaml');
  const text = readFileSync(messages, 'utf8');
  writeFileSync(messages, text.slice(0, text.indexOf('\nIncidentCreatedV2:')).replace(/\n {2}x-deprecated: .*\n/, '\n'));
  writeFileSync(join(copy, 'incident', 'service.yaml'), 'sends:\n  - IncidentCreated\n');
  const reporting = join(copy, 'reporting', 'service.yaml');
  writeFileSync(reporting, readFileSync(reporting, 'utf8').replace(/\n {2}IncidentCreatedV2: .*\n/, '\n'));
  return join(copy, 'asyncapi.yaml');
}

const brief = (f: Finding): string => `${f.subject} ${f.path} ${f.rule} ${f.verdict}${f.gating ? ' GATING' : ''}${f.against ? ` against ${f.against}` : ''}`;

describe('spec:diff on a new version of a Roadcall event', () => {
  it('passes IncidentCreatedV2 as a new version of IncidentCreated, its breaking changes allowed', () => {
    // Prepare
    const dir = freshDir('versions-spec-diff');
    const base = readSnapshot(beforeV2(dir), 'base');
    const head = readSnapshot(join(FIXTURE, 'asyncapi.yaml'), 'head');

    // Act
    const result = diffSpecs(base, head);
    checkExamples(result, base, head);

    // Assess
    expect(head.messages.get('IncidentCreatedV2')).toMatchObject({ family: 'IncidentCreated', major: 2, compatibility: 'FORWARD' });
    expect(result.failed).toBe(false);
    expect(result.advice).toEqual([]);
    expect(result.findings.map(brief)).toEqual([
      'IncidentCreated /x-deprecated message-deprecated compatible',
      'IncidentCreatedV2 / new-version-added compatible',
      'IncidentCreatedV2 /operations/reporting.receiveIncidentCreatedV2 receive-added compatible',
      // FORWARD (the Roadcall root's mode): v1 readers would miss problemType, a required field.
      'IncidentCreatedV2 /payload/properties/data/properties/problem property-added-to-open-content-model compatible against IncidentCreated',
      'IncidentCreatedV2 /payload/properties/data/properties/problemType property-removed-from-open-content-model breaking against IncidentCreated',
      'IncidentCreatedV2 /payload/properties/data/required required-property-added compatible against IncidentCreated',
      'IncidentCreatedV2 /payload/properties/data/required required-property-removed breaking against IncidentCreated',
    ]);
    expect(result.findings.filter((f) => f.verdict === 'breaking').every((f) => /\(allowed: IncidentCreatedV2 is a new version beside IncidentCreated\)$/.test(f.detail))).toBe(true);
  });

  it('fails the same change made to IncidentCreated in place, and says to add IncidentCreatedV2', () => {
    // Prepare: the v2 data schema written over v1's
    const dir = freshDir('versions-spec-diff-inplace');
    const base = readSnapshot(beforeV2(dir), 'base');
    const headRoot = beforeV2(join(dir, 'head'));
    const schemas = join(dir, 'head', 'base', 'incident', 'schemas.yaml');
    const text = readFileSync(schemas, 'utf8');
    const v2 = text.slice(text.indexOf('IncidentCreatedV2Data:'));
    writeFileSync(schemas, `${text.slice(0, text.indexOf('IncidentCreatedData:'))}${v2.replace(/IncidentCreatedV2Data/g, 'IncidentCreatedData')}`);
    const messages = join(dir, 'head', 'base', 'incident', 'messages.yaml');
    writeFileSync(messages, readFileSync(messages, 'utf8').replace('          problemType: flat_tire\n', '          problem: {type: flat_tire, severity: unknown}\n'));

    // Act
    const head = readSnapshot(headRoot, 'head');
    const result = diffSpecs(base, head);

    // Assess
    expect(result.failed).toBe(true);
    expect(result.findings.filter((f) => f.gating).map(brief)).toEqual([
      'IncidentCreated /payload/properties/data/properties/problemType property-removed-from-open-content-model breaking GATING',
      'IncidentCreated /payload/properties/data/required required-property-removed breaking GATING',
    ]);
    expect(result.advice).toHaveLength(1);
    expect(result.advice[0]).toMatch(/^IncidentCreated: breaking under FORWARD .*do not change IncidentCreated in place: add a new version of the message \(a new message IncidentCreatedV2, x-version '2\.0'/);
  });
});
