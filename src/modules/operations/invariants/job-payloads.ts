import Redis from 'ioredis';
import type { PersonalDataScanner } from './personal-data-scanner';

/** Where BullMQ keeps the jobs: a single Redis and the QUEUE_PREFIX its queues' keys start with. */
export interface JobStore {
  url: string;
  prefix: string;
}

export interface JobPayloadScan {
  scanned: number;
  violations: number;
  examples: string[];
  /** Why Redis was not scanned (it did not answer), if it was not. */
  error?: string;
}

/** The fields of a BullMQ job's hash that carry what the producer or the processor wrote. */
const FIELDS = ['data', 'returnvalue', 'failedReason'] as const;

/**
 * Job payloads carry ids, never personal data (CONTRIBUTING.md, Jobs): every job hash under the prefix (SCAN, so
 * Redis is never blocked) is searched like a row, field by field. Examples name the job's key and the field.
 */
export async function scanJobPayloads(store: JobStore, scanner: PersonalDataScanner, maxExamples: number): Promise<JobPayloadScan> {
  const redis = new Redis(store.url, { maxRetriesPerRequest: 1, connectTimeout: 3000, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  const result: JobPayloadScan = { scanned: 0, violations: 0, examples: [] };
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    return { ...result, error: (error as Error).message };
  }
  try {
    const pattern = `${store.prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000, 'TYPE', 'hash');
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.hmget(key, ...FIELDS);
      const answers = (await pipeline.exec()) ?? [];
      answers.forEach(([error, values], i) => {
        if (error || !Array.isArray(values) || values.every((v) => v === null)) return;
        result.scanned += 1;
        const hits = FIELDS.flatMap((field, f) => (values[f] === null ? [] : scanner.scan(parseJson(values[f] as string), `$.${field}`)));
        if (hits.length === 0) return;
        result.violations += 1;
        if (result.examples.length < maxExamples) result.examples.push(`redis ${keys[i]}: ${hits.map((h) => `${h.kind} at ${h.path}`).join(', ')}`);
      });
    } while (cursor !== '0');
    return result;
  } finally {
    redis.disconnect();
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
