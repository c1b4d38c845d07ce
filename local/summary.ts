import type { LocalCloud } from './runtime';

/** The start banner: what runs where, and how to point the AWS SDK or CLI at it. */
export function formatSummary(cloud: LocalCloud, info: { stage: string; dataDir: string | undefined; ms: number }): string {
  const { plan, urls } = cloud;
  const lines = [
    '',
    `Local cloud ready in ${(info.ms / 1000).toFixed(1)} s (stage ${info.stage}, ${info.dataDir ? `state in ${info.dataDir}` : 'in memory'})`,
    '',
    `  AWS endpoint (EventBridge + SQS)  ${urls.aws}`,
    `  HTTP API                          ${urls.http}`,
    `  DynamoDB (proxy to DynamoDB Local) ${urls.dynamodb}`,
    `  dev JWT                           curl -s -X POST ${urls.http}/local-auth/token`,
    '',
    `  buses      ${plan.buses.map((b) => b.name).join(', ')}`,
    `  archives   ${plan.archives.map((a) => a.name).join(', ')}`,
    `  rules      ${plan.rules.length}: ${plan.rules.map((r) => r.name.replace(/^.*?-(?=[^-]+-queue)/, '')).join(', ')}`,
    `  queues     ${plan.queues.length}: ${plan.queues.map((q) => q.name).join(', ')}`,
    `  tables     ${plan.tables.map((t) => t.name).join(', ')}`,
    `  functions  ${plan.functions.length}:`,
    ...plan.functions.map((f) => {
      const sources = plan.eventSources.filter((s) => s.functionName === f.name).map((s) => (s.kind === 'sqs' ? `sqs ${s.sourceArn.split(':').pop()}` : `stream ${s.sourceArn.split('/')[1]}`));
      const routes = plan.routes.filter((r) => r.functionName === f.name).map((r) => r.routeKey);
      const schedules = plan.rules.filter((r) => r.schedule && r.targets.some((t) => t.arn === f.arn)).map((r) => r.schedule as string);
      return `    ${f.name.padEnd(36)} ${[...sources, ...routes, ...schedules].join(', ')}`;
    }),
    '',
    '  Point the AWS SDK or CLI at it:',
    `    export AWS_ENDPOINT_URL=${urls.aws} AWS_ENDPOINT_URL_DYNAMODB=${urls.dynamodb} AWS_REGION=${cloud.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    '',
    'Handlers and generated code reload on change. Ctrl-C stops everything.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** What runs where, as `GET /` of the AWS endpoint answers it (tools and tests read it). */
export function cloudSummary(cloud: LocalCloud): Record<string, unknown> {
  return {
    endpoints: { aws: cloud.urls.aws, http: cloud.urls.http, dynamodb: cloud.urls.dynamodb },
    buses: cloud.plan?.buses.map((b) => b.name),
    rules: cloud.plan?.rules.map((r) => ({ name: r.name, bus: r.busName, targets: r.targets.map((t) => t.arn), ...(r.schedule ? { schedule: r.schedule } : {}) })),
    queues: cloud.plan?.queues.map((q) => q.url),
    tables: cloud.plan?.tables.map((t) => t.name),
    functions: cloud.plan?.functions.map((f) => ({ name: f.name, handler: f.handler })),
    routes: cloud.plan?.routes.map((r) => `${r.routeKey} -> ${r.functionName}`),
    scheduleGroups: cloud.scheduler?.listGroups().map((g) => ({ name: g.Name, schedules: cloud.scheduler.list({ group: g.Name }).length })),
    health: cloud.health,
    faults: cloud.faults.injected(),
  };
}
