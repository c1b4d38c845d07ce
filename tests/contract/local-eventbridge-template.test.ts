import { join } from 'node:path';
import { EventBridgeBackend } from '../../local/eventbridge/backend';
import { planFromTemplate } from '../../local/template/plan';
import { freshDir } from '../helpers/codegen';
import { packageStage } from '../helpers/template';

// The platform's own packaged template (real `osls package --stage local`) passes the checks
// the local EventBridge now makes as AWS does (rule, bus and archive names, pattern sizes,
// schedule expressions only on the default bus), loaded the way the runtime loads it.

it('the platform template loads into the local EventBridge with every bus, archive and rule', () => {
  const template = packageStage('local', join(freshDir('eb-template'), 'package'));
  const plan = planFromTemplate(template as Parameters<typeof planFromTemplate>[0], { region: 'us-east-1', accountId: '000000000000', endpoints: { aws: 'http://127.0.0.1:1', http: 'http://127.0.0.1:2' } });
  const events = new EventBridgeBackend({ region: 'us-east-1', accountId: '000000000000', deliver: async () => undefined, deadLetter: async () => undefined });
  for (const bus of plan.buses) events.createBus(bus.name);
  for (const a of plan.archives) events.addArchive(a.name, a.busName, { ...(a.retentionDays ? { retentionDays: a.retentionDays } : {}), ...(a.pattern ? { pattern: a.pattern } : {}) });
  for (const r of plan.rules) events.putRule({ name: r.name, arn: r.arn, busName: r.busName, pattern: r.pattern, schedule: r.schedule, enabled: r.enabled, targets: r.targets });
  expect(plan.rules.some((r) => r.schedule !== undefined && r.busName === 'default')).toBe(true);
  expect(events.listBuses().map((b) => b.name).sort()).toEqual(['default', ...plan.buses.map((b) => b.name)].sort());
  expect(events.listArchives().map((a) => a.name).sort()).toEqual(plan.archives.map((a) => a.name).sort());
  const rules = plan.buses.flatMap((b) => events.listRules(b.name)).length + events.listRules('default').length;
  expect(rules).toBe(plan.rules.length);
}, 120_000);
