import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGING_LOCK_WAIT_MS, packagingLockPath, releasePackagingLock, tryPackagingLock } from '../../scripts/packaging-lock';
import { ROOT } from './codegen';

export type Json = Record<string, unknown>;
export interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
  DeletionPolicy?: string;
}
export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
}

/**
 * Runs the real `osls package` for a stage into `outDir` with no AWS credentials in the
 * environment, and returns the CloudFormation template it wrote.
 */
export function packageStage(stage: string, outDir: string, cwd = ROOT): Template {
  const deadline = Date.now() + PACKAGING_LOCK_WAIT_MS;
  while (!tryPackagingLock(cwd)) {
    if (Date.now() > deadline) throw new Error(`packaging lock ${packagingLockPath(cwd)} held for 5 minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  try {
    return runPackage(stage, outDir, cwd);
  } finally {
    releasePackagingLock(cwd);
  }
}

function runPackage(stage: string, outDir: string, cwd: string): Template {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--stage', stage, '--package', outDir], {
    cwd,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`osls package --stage ${stage} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The logical id behind `{ Ref: X }` or `{ 'Fn::GetAtt': [X, ...] }`. */
export function logicalId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Json;
  if (typeof v['Ref'] === 'string') return v['Ref'];
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Logical ids among `tables` that a value names (Ref, GetAtt, or ${X.Arn} in a Sub). */
function tablesNamedIn(value: unknown, tables: readonly string[], found: Set<string>): Set<string> {
  if (typeof value === 'string') {
    for (const t of tables) if (value === t || value.includes(`\${${t}.`)) found.add(t);
  } else if (Array.isArray(value)) value.forEach((v) => tablesNamedIn(v, tables, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => tablesNamedIn(v, tables, found));
  return found;
}

/** Every table of `tables` a role may touch: its inline policies and the IAM policies attached to it (database per service, checked in IAM). */
export function tablesOfRole(template: Template, role: string, tables: readonly string[]): string[] {
  const found = tablesNamedIn((template.Resources[role]?.Properties['Policies'] as unknown) ?? [], tables, new Set());
  for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties['Roles'] as { Ref: string }[]).map((r) => r.Ref);
    if (roles.includes(role)) tablesNamedIn(policy.Properties['PolicyDocument'], tables, found);
  }
  return [...found].sort();
}
