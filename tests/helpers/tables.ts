import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import { createTableInput } from '../../local/dynamodb';
import { ROOT } from './codegen';

/** The properties of a table as serverless.yml declares it (keys, indexes, stream, TTL). */
export function tableDefinition(logicalId: string): Record<string, unknown> {
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { resources: unknown[] };
  for (const block of config.resources) {
    const resource = (block as { Resources?: Record<string, { Properties?: Record<string, unknown> }> }).Resources?.[logicalId];
    if (resource?.Properties) return resource.Properties;
  }
  throw new Error(`serverless.yml declares no table ${logicalId}`);
}

/** Creates `name` in DynamoDB Local with the keys, indexes and stream of serverless.yml's table; returns its stream ARN. */
export async function createTableLike(client: DynamoDBClient, logicalId: string, name: string): Promise<string | undefined> {
  const properties = tableDefinition(logicalId);
  await client.send(new CreateTableCommand(createTableInput({ logicalId, name, arn: '', streamArn: undefined, properties })));
  return (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn;
}
