import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Finding } from '../../scripts/spec-diff/diff';
import { freshDir, ROOT } from '../helpers/codegen';

// `npm run spec:diff` on the Roadcall spec: a copy in its own git repository, committed, then
// broken the way a hurried change would break it. The gate must fail and name each break:
// message, JSON path, rule. An untouched copy and a compatible change must pass.

type Json = Record<string, unknown>;
interface Report {
  failed: boolean;
  findings: Finding[];
  advice: string[];
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' });

function specDiff(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'spec-diff.ts'), ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function edit(file: string, change: (doc: Json) => void): void {
  const doc = parse(readFileSync(file, 'utf8')) as Json;
  change(doc);
  writeFileSync(file, stringify(doc));
}
const obj = (v: unknown): Json => v as Json;

describe('spec:diff on the Roadcall spec', () => {
  let dir: string;
  let spec: string;

  beforeEach(() => {
    dir = freshDir('spec-diff-roadcall');
    cpSync(join(ROOT, 'asyncapi'), join(dir, 'asyncapi'), { recursive: true });
    spec = join(dir, 'asyncapi', 'asyncapi.yaml');
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'spec');
  });

  it('passes the unchanged spec against HEAD and against a file copy of it', () => {
    const atHead = specDiff(dir, ['--base', 'HEAD', '--spec', spec]);
    expect(atHead.stderr).toBe('');
    expect(atHead.status).toBe(0);
    expect(atHead.stdout).toMatch(/^spec:diff: .* vs HEAD:asyncapi\/asyncapi\.yaml: no change to the contract \(\d+ messages, \d+ HTTP commands in \d+ ms\)\n$/);
    const againstFile = specDiff(dir, ['--base', join(ROOT, 'asyncapi', 'asyncapi.yaml'), '--spec', spec, '--format', 'json']);
    expect(againstFile.status).toBe(0);
    expect((JSON.parse(againstFile.stdout) as Report).findings).toEqual([]);
  });

  /**
   * The Roadcall spec declares x-compatibility FORWARD at its root; these cases check the
   * default mode (BACKWARD), so the copy drops that line and commits it as the base first.
   */
  function backwardBase(): void {
    edit(spec, (doc) => void delete doc['x-compatibility']);
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'default mode');
  }

  it('fails a copy broken in five ways, naming each break', () => {
    backwardBase();
    const incident = (f: string): string => join(dir, 'asyncapi', 'incident', f);
    // 1. an enum narrowed (IncidentStatus loses a value), shared by several messages
    edit(incident('schemas.yaml'), (doc) => {
      const status = obj(doc['IncidentStatus']);
      status['enum'] = (status['enum'] as string[]).filter((s) => s !== 'escalated');
    });
    // 2. a required field added to an open data schema
    edit(incident('schemas.yaml'), (doc) => {
      const data = obj(doc['IncidentCreatedData']);
      obj(data['properties'])['priority'] = { type: 'string' };
      (data['required'] as string[]).push('priority');
    });
    // 3. a detail-type renamed
    edit(incident('messages.yaml'), (doc) => {
      obj(obj(doc['IncidentCreated'])['x-eventbridge'])['detailType'] = 'IncidentOpened';
    });
    // 4. a queue loses an event: incident stops receiving VendorArrived
    edit(incident('service.yaml'), (doc) => {
      delete obj(doc['receives'])['VendorArrived'];
    });
    // 5. a message removed while services receive it: MatchingFailed, from every part
    edit(join(dir, 'asyncapi', 'match', 'messages.yaml'), (doc) => {
      delete doc['MatchingFailed'];
    });
    const services = readdirSync(join(dir, 'asyncapi'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, 'asyncapi', e.name, 'service.yaml'));
    for (const file of services) {
      try {
        edit(file, (doc) => {
          if (Array.isArray(doc['sends'])) doc['sends'] = (doc['sends'] as unknown[]).filter((s) => s !== 'MatchingFailed');
          if (doc['receives'] && typeof doc['receives'] === 'object') delete obj(doc['receives'])['MatchingFailed'];
        });
      } catch {
        // a part without service.yaml
      }
    }

    const run = specDiff(dir, ['--base', 'HEAD', '--spec', spec, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.failed).toBe(true);
    const gating = report.findings.filter((f) => f.gating).map((f) => `${f.subject} ${f.path} ${f.rule}`);
    expect(gating).toEqual(
      expect.arrayContaining([
        'IncidentCreated /payload/properties/data/properties/status/enum enum-narrowed',
        'IncidentStatusChanged /payload/properties/data/properties/status/enum enum-narrowed',
        'IncidentCreated /payload/properties/data/properties/priority property-added-to-open-content-model',
        'IncidentCreated /payload/properties/data/required required-property-added',
        'IncidentCreated /x-eventbridge/detailType detail-type-changed',
        'VendorArrived /operations/incident.receiveVendorArrived queue-lost-event',
        'MatchingFailed / message-removed-while-received',
      ]),
    );
    // Every gating finding is one of those five breaks, and each says which direction breaks.
    const expectedRules = ['enum-narrowed', 'property-added-to-open-content-model', 'required-property-added', 'detail-type-changed', 'queue-lost-event', 'message-removed-while-received'];
    for (const f of report.findings.filter((x) => x.gating)) {
      expect(expectedRules).toContain(f.rule);
      expect(f.backward).toBe('breaking');
    }
    // The narrowed enum is confirmed by the data when a base example used the value (or left untested).
    expect(report.findings.find((f) => f.rule === 'required-property-added' && f.subject === 'IncidentCreated')?.evidence).toMatch(/^confirmed: base example "flatTireSanFrancisco" fails the new schema at payload\/data: missing required property "priority"/);
    expect(report.advice.find((a) => a.startsWith('IncidentCreated:'))).toMatch(/add a new version of the message \(a new message IncidentCreatedV2, x-version '2\.0'/);
    expect(report.advice.find((a) => a.startsWith('MatchingFailed:'))).toMatch(/restore MatchingFailed/);

    const text = specDiff(dir, ['--base', 'HEAD', '--spec', spec]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('BREAKING message IncidentCreated /x-eventbridge/detailType [detail-type-changed]');
    expect(text.stdout).toContain('What to do:');
  });

  it('passes a compatible change committed on top: a message deprecated, an enum extended', () => {
    backwardBase();
    edit(join(dir, 'asyncapi', 'incident', 'messages.yaml'), (doc) => {
      obj(doc['IncidentCreated'])['x-deprecated'] = true;
    });
    edit(join(dir, 'asyncapi', 'incident', 'schemas.yaml'), (doc) => {
      const status = obj(doc['IncidentStatus']);
      status['enum'] = [...(status['enum'] as string[]), 'on_hold'];
    });
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'compatible');
    const run = specDiff(dir, ['--base', 'HEAD~1', '--spec', spec, '--format', 'markdown']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('### spec:diff :white_check_mark: no breaking change');
    expect(run.stdout).toContain('| :white_check_mark: | IncidentCreated | `/x-deprecated` | `message-deprecated` |');
    expect(run.stdout).toMatch(/\| :white_check_mark: \| IncidentStatusChanged \| `\/payload\/properties\/data\/properties\/status\/enum` \| `enum-extended` \| compatible \| breaking \| BACKWARD \|/);
  });

  it('passes when the base commit has no spec yet (the commit that adds it)', () => {
    const fresh = freshDir('spec-diff-new-spec');
    writeFileSync(join(fresh, 'README'), 'before the spec\n');
    git(fresh, 'init', '-q');
    git(fresh, 'add', '.');
    git(fresh, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'readme');
    cpSync(join(ROOT, 'asyncapi'), join(fresh, 'asyncapi'), { recursive: true });
    git(fresh, 'add', '.');
    git(fresh, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'spec');
    const run = specDiff(fresh, ['--base', 'HEAD~1', '--spec', join(fresh, 'asyncapi', 'asyncapi.yaml')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^spec:diff: asyncapi\/asyncapi\.yaml does not exist at HEAD~1 \([0-9a-f]{12}\): the spec is new, nothing to compare\n$/);
  });

  it('refuses a base that is neither a file nor a commit (exit 2)', () => {
    const run = specDiff(dir, ['--base', 'no-such-ref', '--spec', spec]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('spec:diff: --base no-such-ref: neither a file nor a git commit\n');
  });
});

// The gate for an example project (issue 19: every root command takes --project): a repository
// holding examples/edtech, its spec compared from the repository root with `--project` and from
// the example's own folder (its package.json's spec:diff), without naming the spec file.
describe('spec:diff --project', () => {
  let repo: string;
  let example: string;

  beforeEach(() => {
    repo = freshDir('spec-diff-project');
    example = join(repo, 'examples', 'edtech');
    cpSync(join(ROOT, 'examples', 'edtech', 'asyncapi'), join(example, 'asyncapi'), { recursive: true });
    cpSync(join(ROOT, 'examples', 'edtech', 'package.json'), join(example, 'package.json'));
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'example');
  });

  it("compares the example's own spec, passing it unchanged and failing a break, from the root and from its folder", () => {
    const unchanged = specDiff(repo, ['--base', 'HEAD', '--project', 'examples/edtech']);
    expect(unchanged.stderr).toBe('');
    expect(unchanged.status).toBe(0);
    expect(unchanged.stdout).toMatch(/ vs HEAD:examples\/edtech\/asyncapi\/asyncapi\.yaml: no change to the contract /);

    // The example's spec declares FORWARD: a required field dropped breaks readers on the old schema.
    edit(join(example, 'asyncapi', 'users', 'schemas.yaml'), (doc) => {
      const data = obj(doc['UserCreatedData']);
      data['required'] = (data['required'] as string[]).filter((r) => r !== 'email');
    });
    for (const [cwd, args] of [
      [repo, ['--project', 'examples/edtech']],
      [example, []],
    ] as const) {
      const run = specDiff(cwd, ['--base', 'HEAD', '--format', 'json', ...args]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      const gating = (JSON.parse(run.stdout) as Report).findings.filter((f) => f.gating).map((f) => `${f.subject} ${f.path} ${f.rule}`);
      expect(gating).toEqual([expect.stringMatching(/^\S+ \/payload\/properties\/data\/required required-property-removed$/)]);
    }
  });

  it('names a --project that is not a project (exit 2)', () => {
    const run = specDiff(repo, ['--base', 'HEAD', '--project', 'examples/none']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`spec:diff: --project examples/none: no folder ${join(repo, 'examples', 'none')}\n`);
  });
});
