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
    `  DynamoDB Local                    ${urls.dynamodb}`,
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
