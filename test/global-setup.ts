// One redis-server for the whole Vitest run; files that need isolation (outages, cluster) start their own.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type RedisProcess, startRedis } from './redis-server';

let redis: RedisProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  // CLI tests run the built `juggler` (bin/juggler.js → dist/): build it from the current sources
  const root = join(__dirname, '..');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch {
    // type errors still emit JavaScript; `npm run check` is where they fail the run
  }
  redis = await startRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
