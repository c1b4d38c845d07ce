import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * serverless-esbuild builds in the project's `.esbuild/` folder, so two `osls package`
 * runs of one project at once (`npm start` beside a test run, or two jest workers)
 * overwrite each other's bundles. Every packaging takes this lock first.
 */
export const PACKAGING_LOCK_STALE_MS = 120_000;
export const PACKAGING_LOCK_WAIT_MS = 300_000;

export function packagingLockPath(projectDir: string): string {
  return join(projectDir, '.esbuild-package.lock');
}

/** Takes the lock if free (a lock older than any packaging takes is taken over); true when taken. */
export function tryPackagingLock(projectDir: string): boolean {
  const lock = packagingLockPath(projectDir);
  try {
    mkdirSync(lock);
    return true;
  } catch {
    // A lock left by a killed run (packaging takes seconds, not minutes) is taken over.
    if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > PACKAGING_LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

export function releasePackagingLock(projectDir: string): void {
  rmSync(packagingLockPath(projectDir), { recursive: true, force: true });
}

/** Runs `work` holding the packaging lock of `projectDir`. */
export async function withPackagingLock<T>(projectDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + PACKAGING_LOCK_WAIT_MS;
  while (!tryPackagingLock(projectDir)) {
    if (Date.now() > deadline) throw new Error(`packaging lock ${packagingLockPath(projectDir)} held for ${PACKAGING_LOCK_WAIT_MS / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await work();
  } finally {
    releasePackagingLock(projectDir);
  }
}
