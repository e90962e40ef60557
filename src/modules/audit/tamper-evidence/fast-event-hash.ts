import { createHash } from 'node:crypto';
import type { StoredEventRow } from '@sinergi/event-store';

/**
 * The event hash of libs/event-store's computeEventHash, built without the general-purpose `canonicalize` (about a
 * third of a log verification's time). Rows read back from jsonb hold only strings, finite numbers, booleans, null,
 * arrays and plain objects, and for those RFC 8785 is: keys sorted by UTF-16 code unit, primitives as
 * JSON.stringify writes them. A mismatch is always confirmed with the reference function before it is reported
 * (ChainChecker), so this can only make a verification faster, never change its verdict.
 */
export function fastEventHash(prevHash: string, e: StoredEventRow): string {
  // The envelope's keys, in RFC 8785 order.
  const text =
    `{"data":${canonicalJson(e.data)},"eventId":${JSON.stringify(e.eventId)},"metadata":${canonicalJson(e.metadata)},` +
    `"recordedAt":"${e.recordedAt.toISOString()}","schemaVersion":${canonicalJson(e.schemaVersion)},"streamId":${JSON.stringify(e.streamId)},` +
    `"streamVersion":${canonicalJson(e.streamVersion)},"type":${JSON.stringify(e.type)}}`;
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(text, 'utf8').digest('hex');
}

/** RFC 8785 JSON of a value parsed from JSON (no undefined, functions, toJSON or non-finite numbers expected). */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('a non-finite number cannot be canonical JSON');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i += 1) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : canonicalJson(value[i]));
        return `${out}]`;
      }
      if (value instanceof Date) return JSON.stringify(value);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new Error(`${typeof value} cannot be canonical JSON`);
  }
}
