import { resolve } from 'node:path';
import { startProjectCloud, type Body, type ProjectCloud } from '../../../../tests/helpers/project-cloud';
import type { Template } from '../../../../tests/helpers/template';

// The ScorinGames example on a local cloud for its end-to-end tests: the kit's project cloud
// (tests/helpers/project-cloud.ts) on the example's own packaged test stage, called with a
// token of its audience.

export type { Body };
export { withFunctionEnv } from '../../../../tests/helpers/project-cloud';
export const PROJECT = resolve(__dirname, '..', '..');
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'scoringames-api-test';

export interface ScoringamesCloud extends Pick<ProjectCloud, 'cloud' | 'dlqDepths' | 'stop'> {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }>;
  /** The data of the events of one detail-type whose data has `key: value`. */
  seen(detailType: string, key: string, value: unknown): Body[];
}

/** Packages the example's test stage (`tweak` may change the template) and runs it on free ports, in memory. */
export async function startScoringamesCloud(name: string, tweak?: (t: Template) => Template): Promise<ScoringamesCloud> {
  const project = await startProjectCloud({ name, project: PROJECT, audience: TEST_AUDIENCE, ...(tweak ? { tweak } : {}) });
  return { ...project, call: (method, path, body) => project.call(method, path, body), seen: (detailType, key, value) => project.seen(detailType, key, value) };
}
