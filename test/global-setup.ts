// One redis-server for the whole Vitest run; files that need isolation (outages, cluster) start their own.
import type { TestProject } from 'vitest/node';
import { type RedisProcess, startRedis } from './redis-server';

let redis: RedisProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
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
