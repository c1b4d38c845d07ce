import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir, ROOT } from '../helpers/codegen';
import { asArray, logicalId, packageStage, resourcesOfType, type Json, type Template } from '../helpers/template';

// The IAM `npm run ops` needs, in the packaged template (real `osls package`): a managed
// policy per stage that operators attach, covering every SDK call scripts/ops makes, scoped
// to the stage's archives, buses and queues, and the same actions as the policy the README
// documents.

let dev: Template;
let policy: { Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown }[] };
let properties: Json;

beforeAll(() => {
  dev = packageStage('dev', join(freshDir('ops-iam'), 'dev'));
  const found = resourcesOfType(dev, 'AWS::IAM::ManagedPolicy').filter(([, r]) => r.Properties['ManagedPolicyName'] === 'roadcall-dev-ops');
  expect(found).toHaveLength(1);
  properties = (found[0] as [string, { Properties: Json }])[1].Properties;
  policy = properties['PolicyDocument'] as typeof policy;
}, 120_000);

/** `events:StartReplay`, `sqs:ReceiveMessage`...: the commands scripts/ops sends, by the client they come from. */
function sdkActions(): Set<string> {
  const dir = join(ROOT, 'scripts', 'ops');
  const actions = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [client, prefix] of [
      ['@aws-sdk/client-eventbridge', 'events'],
      ['@aws-sdk/client-sqs', 'sqs'],
    ] as const) {
      const imports = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${client}'`).exec(text)?.[1] ?? '';
      for (const name of imports.split(',').map((s) => s.trim())) {
        const command = /^(\w+)Command$/.exec(name);
        if (command && new RegExp(`new ${name}\\(`).test(text)) actions.add(`${prefix}:${(command[1] as string).replace(/Batch$/, '')}`);
      }
    }
    expect(text).not.toMatch(/@aws-sdk\/client-(?!eventbridge|sqs)/);
  }
  return actions;
}

const actionsOf = (s: { Action: string | string[] }): string[] => asArray(s.Action);
const text = (resource: unknown): string => JSON.stringify(resource);

describe('the ops policy in the packaged template', () => {
  it('is a managed policy of its own that operators attach (no role, user or group in the template)', () => {
    expect(properties['Roles']).toBeUndefined();
    expect(properties['Users']).toBeUndefined();
    expect(properties['Groups']).toBeUndefined();
    expect(Object.values(dev.Outputs ?? {}).some((o) => logicalId(o['Value']) === 'OpsPolicy')).toBe(true);
  });

  it('allows every SDK call the ops commands make, and nothing they do not', () => {
    const used = sdkActions();
    expect(used.size).toBeGreaterThan(15);
    const allowed = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap(actionsOf));
    expect([...used].filter((a) => !allowed.has(a))).toEqual([]);
    // StartMessageMoveTask reads and deletes on the DLQ and sends to the source queue: covered by the calls above.
    expect([...allowed].filter((a) => !used.has(a)).sort()).toEqual([]);
  });

  it('scopes everything to the stage: its archives, its buses\' rules, its queues; changes only temporary ops-* rules and queues', () => {
    const buses = resourcesOfType(dev, 'AWS::Events::EventBus').map(([id]) => id);
    const archives = resourcesOfType(dev, 'AWS::Events::Archive').map(([id]) => id);
    expect(buses.length).toBeGreaterThanOrEqual(2);
    for (const s of policy.Statement) {
      const actions = actionsOf(s);
      const resources = asArray(s.Resource as unknown[]);
      if (resources.includes('*')) {
        // Only listing calls have no resource to scope to.
        expect(actions.sort()).toEqual(actions.filter((a) => ['events:ListReplays', 'sqs:ListQueues'].includes(a)).sort());
        continue;
      }
      if (actions.includes('events:DescribeArchive')) expect(resources.map(logicalId).sort()).toEqual([...archives].sort());
      if (actions.some((a) => ['events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:DeleteRule'].includes(a))) {
        for (const b of buses) expect(resources.map(text).some((r) => r.includes(`:rule/\${${b}}/ops-*`))).toBe(true);
        expect(resources.every((r) => text(r).includes('/ops-*'))).toBe(true);
      }
      if (actions.includes('events:ListRules')) for (const b of buses) expect(resources.map(text).some((r) => r.includes(`:rule/\${${b}}/*`))).toBe(true);
      if (actions.some((a) => a.startsWith('sqs:'))) {
        expect(resources.every((r) => text(r).includes(':roadcall-dev-'))).toBe(true);
        if (actions.some((a) => ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes'].includes(a))) expect(resources.every((r) => text(r).includes(':roadcall-dev-ops-*'))).toBe(true);
      }
    }
  });

  it('is what the README documents under "Operating it"', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const at = readme.indexOf('\n## Operating it');
    expect(at).toBeGreaterThan(0);
    const section = readme.slice(at);
    const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const documented = JSON.parse(block as string) as typeof policy;
    const sids = (p: typeof policy): Record<string, string[]> => Object.fromEntries(p.Statement.map((s) => [s.Sid ?? '', actionsOf(s).sort()]));
    expect(sids(documented)).toEqual(sids(policy));
    for (const s of documented.Statement) for (const r of asArray(s.Resource as string[])) expect(r === '*' || r.includes('<stage>') || r.includes('<account>')).toBe(true);
  });
});
