import { resolve } from 'node:path';
import { startProjectCloud, type Body, type ProjectCloud } from '../../../../tests/helpers/project-cloud';
import type { Template } from '../../../../tests/helpers/template';

// The Skafu example on a local cloud for its end-to-end tests: the kit's project cloud
// (tests/helpers/project-cloud.ts) on the example's own packaged test stage, called as a user
// of its audience (with a correlation id when given), and the events of a flow on both buses.

export type { Body };
export { withFunctionEnv } from '../../../../tests/helpers/project-cloud';
export const PROJECT = resolve(__dirname, '..', '..');
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'skafu-api-test';

export interface SkafuCloud extends Pick<ProjectCloud, 'cloud' | 'dlqDepths' | 'stop'> {
  /** An HTTP call as user `sub`, with `x-correlation-id: correlationId` when given. */
  call(method: string, path: string, body?: unknown, options?: { correlationId?: string; sub?: string }): Promise<{ status: number; body: Body }>;
  /** The events (detail-type and detail) published with this correlation id, on any bus, oldest first. */
  flow(correlationId: string): { detailType: string; metadata: Body; data: Body }[];
}

/** Packages the example's test stage (`tweak` may change the template) and runs it on free ports, in memory. */
export async function startSkafuCloud(name: string, tweak?: (t: Template) => Template): Promise<SkafuCloud> {
  const project = await startProjectCloud({ name, project: PROJECT, audience: TEST_AUDIENCE, ...(tweak ? { tweak } : {}) });
  return {
    ...project,
    call: (method, path, body, options = {}) =>
      project.call(method, path, body, { claims: { sub: options.sub ?? 'user-123' }, ...(options.correlationId ? { headers: { 'x-correlation-id': options.correlationId } } : {}) }),
    flow: (correlationId) => project.flow(correlationId).map(({ detailType, metadata, data }) => ({ detailType, metadata, data })),
  };
}
