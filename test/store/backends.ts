import { afterEach } from 'vitest';
import type { OcrResult, PageResult } from '../../src/job.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import { createRedisStores } from '../../src/store/redis/index.js';
import type { NewJob } from '../../src/store/job-records.js';
import type { Stores } from '../../src/store/stores.js';
import { deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';

export interface StoreBackend {
  name: string;
  /** Fresh stores isolated from every other test (their own key prefix). */
  create(options: { resultTtlSeconds: number }): Promise<Stores>;
  cleanup?(): Promise<void>;
  skipReason?: string;
}

const redisPrefixes: string[] = [];

/** Every backend each store contract runs against: the memory one, and Redis (the real server). */
export const backends: StoreBackend[] = [
  { name: 'memory', create: async ({ resultTtlSeconds }) => createMemoryStores({ resultTtlSeconds }) },
  {
    name: 'redis',
    skipReason: await missingServers('redis'),
    create: async ({ resultTtlSeconds }) => {
      const keyPrefix = `${uniqueName('store')}:`;
      redisPrefixes.push(keyPrefix);
      return createRedisStores({ url: REDIS_URL, keyPrefix, resultTtlSeconds });
    },
    cleanup: async () => {
      for (const prefix of redisPrefixes.splice(0)) await deleteRedisKeys(prefix);
    },
  },
];

/**
 * Opens stores of `backend` for the tests of the calling `describe`; they are closed, and their keys removed,
 * after each test.
 */
export function storesOf(backend: StoreBackend): (resultTtlSeconds?: number) => Promise<Stores> {
  const opened: Stores[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stores) => stores.close()));
    await backend.cleanup?.();
  });
  return async (resultTtlSeconds = 3600) => {
    const stores = await backend.create({ resultTtlSeconds });
    opened.push(stores);
    return stores;
  };
}

let sequence = 0;
/** A job with an id of its own. */
export const newJob = (): NewJob => {
  sequence += 1;
  return { id: `task-${process.pid}-${sequence}`, options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() };
};

export const result: OcrResult = {
  text: 'Grüße aus Köln\n',
  confidence: 91.5,
  lang: 'deu',
  psm: 6,
  timings: { queuedMs: 12, recognitionMs: 340 },
};

export const pageResult = (page: number, text = `page ${page}`): PageResult => ({ page, text, confidence: 90, source: 'ocr', recognitionMs: 5 });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
