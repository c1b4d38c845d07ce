import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startProjectCloud, type Body, type ProjectCloud } from '../../../../tests/helpers/project-cloud';
import type { Template } from '../../../../tests/helpers/template';

// The Soccer RPI example on a local cloud for its end-to-end tests: the kit's project cloud
// (tests/helpers/project-cloud.ts) on the example's own packaged test stage, called with a
// token of its audience; which buses an event crossed; DynamoDB, to break a projection.

export type { Body };
export { withFunctionEnv } from '../../../../tests/helpers/project-cloud';
export const PROJECT = resolve(__dirname, '..', '..');
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'rpi-api-test';

export interface RpiCloud extends Pick<ProjectCloud, 'cloud' | 'dlqDepths' | 'stop'> {
  call: ProjectCloud['call'];
  /** The data of the events of one detail-type whose data has `key: value`. */
  seen(detailType: string, key: string, value: unknown): Body[];
  /** The buses the events of one detail-type were seen on (bus names). */
  buses(detailType: string): string[];
  /** A document client on the local cloud's DynamoDB (to break a projection, then replay it). */
  dynamo: DynamoDBDocumentClient;
}

/** Packages the example's test stage (`tweak` may change the template) and runs it on free ports, in memory. */
export async function startRpiCloud(name: string, tweak?: (t: Template) => Template): Promise<RpiCloud> {
  const project = await startProjectCloud({ name, project: PROJECT, audience: TEST_AUDIENCE, ...(tweak ? { tweak } : {}) });
  const { cloud } = project;
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.urls.dynamodb, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  return {
    cloud,
    dynamo,
    dlqDepths: project.dlqDepths,
    buses: (detailType) => [...new Set(cloud.recentEvents({}).filter((e) => e.event['detail-type'] === detailType).map((e) => e.bus))],
    call: project.call,
    seen: (detailType, key, value) => project.seen(detailType, key, value),
    async stop() {
      dynamo.destroy();
      await project.stop();
    },
  };
}
