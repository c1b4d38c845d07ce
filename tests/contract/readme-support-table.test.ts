import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_OPERATIONS as EVENTBRIDGE_OPERATIONS } from '../../local/eventbridge/protocol';
import type { LocalCloud } from '../../local/runtime';
import { sqsOperationNames } from '../../local/sqs';
import { ROOT } from '../helpers/codegen';
import { startLocalCloud } from '../helpers/local-cloud';
import { find, parseXml } from '../helpers/xml';

// The README's support table is kept true: each operation it lists as supported (or refused)
// is dispatched by the running local cloud's endpoint, each listed as not supported is
// answered as unknown, and every operation an endpoint dispatches has its row.

interface Row {
  service: string;
  operation: string;
  supported: string;
}

function supportTable(): Row[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### What the local cloud supports'));
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('| Service | Operation | Supported |'));
  const rows: Row[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.trim().slice(1, -1).split('|').map((c) => c.trim());
    if (cells.length !== 5) throw new Error(`a support table row has ${cells.length} cells, not 5: ${line}`);
    const [service = '', operation = '', supported = ''] = cells;
    rows.push({ service, operation, supported });
  }
  return rows;
}

/** Rows naming an API operation (in backticks) of a service. */
function operations(service: string): Row[] {
  return supportTable()
    .filter((r) => r.service === service && /^`\w+`$/.test(r.operation))
    .map((r) => ({ ...r, operation: r.operation.slice(1, -1) }));
}

/** Scheduler operations are REST routes: how each is called, with placeholder names. */
const SCHEDULER_ROUTES: Record<string, [string, string]> = {
  CreateSchedule: ['POST', '/schedules/probe'],
  GetSchedule: ['GET', '/schedules/probe'],
  UpdateSchedule: ['PUT', '/schedules/probe'],
  DeleteSchedule: ['DELETE', '/schedules/probe'],
  ListSchedules: ['GET', '/schedules'],
  CreateScheduleGroup: ['POST', '/schedule-groups/probe'],
  GetScheduleGroup: ['GET', '/schedule-groups/probe'],
  DeleteScheduleGroup: ['DELETE', '/schedule-groups/probe'],
  ListScheduleGroups: ['GET', '/schedule-groups'],
  TagResource: ['POST', `/tags/${encodeURIComponent('arn:aws:scheduler:us-east-1:000000000000:schedule-group/probe')}`],
  UntagResource: ['DELETE', `/tags/${encodeURIComponent('arn:aws:scheduler:us-east-1:000000000000:schedule-group/probe')}?TagKeys=k`],
  ListTagsForResource: ['GET', `/tags/${encodeURIComponent('arn:aws:scheduler:us-east-1:000000000000:schedule-group/probe')}`],
};

let cloud: LocalCloud;

beforeAll(async () => {
  ({ cloud } = await startLocalCloud('readme-support-table', () => ({ Resources: {} })));
});

afterAll(async () => {
  await cloud.stop();
});

async function amz(prefix: string, version: string, operation: string): Promise<{ status: number; type: string }> {
  const res = await fetch(cloud.urls.aws, { method: 'POST', headers: { 'x-amz-target': `${prefix}${operation}`, 'content-type': `application/x-amz-json-${version}` }, body: '{}' });
  const body = (await res.json()) as { __type?: string };
  return { status: res.status, type: (body.__type ?? '').replace(/^.*#/, '') };
}

describe('the README support table', () => {
  it('is there, with rows for SQS, EventBridge and EventBridge Scheduler operations', () => {
    expect(operations('SQS').length).toBeGreaterThanOrEqual(20);
    expect(operations('EventBridge').length).toBeGreaterThanOrEqual(25);
    expect(operations('EventBridge Scheduler').length).toBe(Object.keys(SCHEDULER_ROUTES).length);
    for (const row of supportTable()) expect(['yes', 'no', 'refused']).toContain(row.supported);
  });

  it('SQS: each operation row is what the endpoint does, on JSON and on the query protocol, and each dispatched operation has a row', async () => {
    const rows = operations('SQS');
    const seen: Array<[string, string, string, string]> = [];
    for (const row of rows) {
      const json = await amz('AmazonSQS.', '1.0', row.operation);
      const query = await fetch(`${cloud.urls.aws}/?Action=${row.operation}`);
      const code = find(parseXml(await query.text()), 'Code')?.text ?? '(none)';
      const unknown = json.type === 'InvalidAction' && code === 'InvalidAction';
      const refused = json.type === 'UnsupportedOperation';
      seen.push([row.operation, row.supported, unknown ? 'no' : refused ? 'refused' : 'yes', `${json.type || json.status} / ${code}`]);
    }
    expect(seen.filter(([, listed, actual]) => listed !== actual)).toEqual([]);
    expect(sqsOperationNames().filter((op) => !rows.some((r) => r.operation === op))).toEqual([]);
  });

  it('EventBridge: each operation row is what the endpoint does, and each dispatched operation has a row', async () => {
    const rows = operations('EventBridge');
    const seen: Array<[string, string, string, string]> = [];
    for (const row of rows) {
      const { status, type } = await amz('AWSEvents.', '1.1', row.operation);
      seen.push([row.operation, row.supported, type === 'UnknownOperationException' ? 'no' : 'yes', `${status} ${type}`]);
    }
    expect(seen.filter(([, listed, actual]) => listed !== actual)).toEqual([]);
    expect(EVENTBRIDGE_OPERATIONS.filter((op) => !rows.some((r) => r.operation === op && r.supported === 'yes'))).toEqual([]);
  });

  it('EventBridge Scheduler: each operation row is routed by the endpoint', async () => {
    const seen: Array<[string, string, string]> = [];
    for (const row of operations('EventBridge Scheduler')) {
      const route = SCHEDULER_ROUTES[row.operation];
      if (!route) {
        seen.push([row.operation, row.supported, 'no route known to this test']);
        continue;
      }
      const [method, path] = route;
      const res = await fetch(`${cloud.urls.aws}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' || method === 'PUT' ? { body: '{}' } : {}) });
      const body = (await res.json()) as { Message?: string };
      const routed = !/is not (a Scheduler operation|an operation)/.test(body.Message ?? '');
      seen.push([row.operation, row.supported, routed ? 'yes' : 'no']);
    }
    expect(seen.filter(([, listed, actual]) => listed !== actual)).toEqual([]);
  });
});
