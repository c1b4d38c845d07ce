// GET /kpis?minutes=N: the seed's KPIs over the last N minutes (default 60, at most 1440).
import { clients, sdk } from '../../../../lib/clients';
import { BadRequestError, createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { config } from './config';
import { computeKpis, hourBuckets, type EventRecord } from './kpis';

export function makeApi({ records, now }: { records: (bucket: string, from: string, to: string) => Promise<EventRecord[]>; now: () => number }): HttpApiHandler {
  return createHttpApi({
    service: 'monitoring',
    routes: {
      'GET /kpis': route({
        handler: async ({ query }) => {
          const raw = query['minutes'] ?? '60';
          const minutes = Number(raw);
          if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new BadRequestError(`minutes "${raw}" must be a whole number from 1 to 1440`, { code: 'INVALID_WINDOW' });
          const to = now();
          const from = to - minutes * 60_000;
          const found = (await Promise.all(hourBuckets(from, to).map((b) => records(b, new Date(from).toISOString(), new Date(to).toISOString())))).flat();
          return { body: computeKpis(found, from, to) };
        },
      }),
    },
  });
}

export const handler = makeApi({
  now: Date.now,
  records: async (bucket, from, to) => {
    const out: EventRecord[] = [];
    const pages = sdk.document().paginateQuery({ client: clients.dynamoDbDocument() }, { TableName: config().kpiTable, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': `EVENTS#${bucket}`, ':from': from, ':to': `${to}\uffff` } });
    for await (const page of pages) for (const { pk: _pk, sk: _sk, ...r } of page.Items ?? []) out.push(r as EventRecord);
    return out;
  },
});
