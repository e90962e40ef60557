import { computeEventHash, GENESIS_HASH } from '@sinergi/event-store';
import canonicalize from 'canonicalize';
import { canonicalJson, fastEventHash } from './fast-event-hash';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STRINGS = ['', 'a', 'Z', 'é', 'ö', '€', '\u0000', '\u001f', '"', '\\', '\n\t\r', '\u2028', '\u{1F600}', '\uFF01', 'key', 'Key', 'aa', 'a\u{10000}', '\u00e9t\u00e9', '</script>', '73.07.01'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.125, -3.5e-300, 2 ** 53, 1.7976931348623157e308, 5e-324, 0.000001, 1e20];

function value(rnd: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const kind = Math.floor(rnd() * (depth > 3 ? 4 : 6));
  switch (kind) {
    case 0:
      return pick(STRINGS) + (rnd() < 0.5 ? pick(STRINGS) : '');
    case 1:
      return pick(NUMBERS);
    case 2:
      return rnd() < 0.5;
    case 3:
      return null;
    case 4:
      return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 5); i > 0; i -= 1) o[pick(STRINGS) + pick(STRINGS)] = value(rnd, depth + 1);
      return o;
    }
  }
}

describe('fast event hash', () => {
  it('writes the same RFC 8785 text as canonicalize for 5,000 random JSON values', () => {
    const rnd = random(7307);
    for (let i = 0; i < 5000; i += 1) {
      const v = JSON.parse(JSON.stringify(value(rnd, 0)));
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });

  it("gives the event store's hash for random events", () => {
    const rnd = random(6201);
    for (let i = 0; i < 1000; i += 1) {
      const event = {
        streamId: `project-${i}-${STRINGS[i % STRINGS.length]}`,
        streamVersion: 1 + (i % 50),
        eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: 'ProjectRegistered',
        schemaVersion: 1 + (i % 3),
        data: JSON.parse(JSON.stringify({ v: value(rnd, 0) })) as Record<string, unknown>,
        metadata: JSON.parse(JSON.stringify({ actor: { kind: 'client', id: 'spse-7307' }, correlationId: `c${i}`, causationId: null, x: value(rnd, 1) })),
        recordedAt: new Date(Date.UTC(2025, 0, 1) + i * 1234567),
        globalPosition: String(i),
        prevHash: GENESIS_HASH,
        hash: '',
      };
      expect(fastEventHash(GENESIS_HASH, event)).toBe(computeEventHash(GENESIS_HASH, event));
    }
  });
});
