// Reporting query side: GET /reports/incidents/{incidentId}/timeline and GET /reports/counts.
import { clients, sdk } from '../../lib/clients';
import { requireEnv } from '../../lib/config';
import { createHttpApi, NotFoundError, route } from '../../lib/http';
import { COUNTS_KEY, incidentKey } from './timeline';

async function queryAll(input: { pk: string; skPrefix?: string }): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await clients.dynamoDbDocument().send(
      new (sdk.document().QueryCommand)({
        TableName: requireEnv('READ_MODEL_TABLE'),
        KeyConditionExpression: input.skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': input.pk, ...(input.skPrefix ? { ':prefix': input.skPrefix } : {}) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export const handler = createHttpApi({
  service: 'reporting',
  routes: {
    'GET /reports/incidents/{incidentId}/timeline': route({
      handler: async ({ pathParameters }) => {
        const incidentId = pathParameters['incidentId'] as string;
        const rows = await queryAll({ pk: incidentKey(incidentId), skPrefix: 'TIMELINE#' });
        if (!rows.length) throw new NotFoundError(`no events recorded for incident ${incidentId}`);
        const timeline = rows.map(({ pk: _pk, sk: _sk, ...row }) => row);
        return { body: { incidentId, events: timeline.length, timeline } };
      },
    }),
    'GET /reports/counts': route({
      handler: async () => {
        const rows = await queryAll({ pk: COUNTS_KEY });
        return { body: { counts: Object.fromEntries(rows.map((r) => [String(r['sk']), Number(r['count'] ?? 0)])) } };
      },
    }),
  },
});
