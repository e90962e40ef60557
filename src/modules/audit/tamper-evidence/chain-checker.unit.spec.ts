import { computeEventHash, GENESIS_HASH, type StoredEventRow } from '@sinergi/event-store';
import { ChainChecker, earlierBreak } from './chain-checker';

function chain(streamId: string, n: number, firstPosition = 100): StoredEventRow[] {
  const rows: StoredEventRow[] = [];
  let prev = GENESIS_HASH;
  for (let v = 1; v <= n; v += 1) {
    const row = {
      streamId,
      streamVersion: v,
      globalPosition: String(firstPosition + v * 10),
      eventId: `00000000-0000-4000-8000-00000000000${v}`,
      type: 'EnrolmentVerified',
      schemaVersion: 1,
      data: { n: v },
      metadata: { actor: { kind: 'system' as const, id: 'verification' }, correlationId: 'c' },
      recordedAt: new Date(Date.UTC(2025, 6, v)),
      prevHash: prev,
      hash: '',
    };
    row.hash = computeEventHash(prev, row);
    prev = row.hash;
    rows.push(row);
  }
  return rows;
}

const run = (rows: StoredEventRow[]) => {
  const checker = new ChainChecker(rows[0].streamId);
  for (const r of rows) checker.check(r);
  return checker;
};

describe('ChainChecker', () => {
  it('accepts an intact chain', () => {
    const checker = run(chain('compliance-a', 4));
    expect(checker.firstBreak).toBeNull();
    expect(checker.checked).toBe(4);
  });

  it('reports altered data as hash_mismatch, with the recomputed hash expected and the stored one found', () => {
    const rows = chain('compliance-a', 4);
    rows[1] = { ...rows[1], data: { n: 99 } };
    const checker = run(rows);
    expect(checker.firstBreak).toEqual({
      streamId: 'compliance-a',
      version: 2,
      position: '120',
      reason: 'hash_mismatch',
      expected: computeEventHash(rows[0].hash, rows[1]),
      found: rows[1].hash,
    });
    expect(checker.checked).toBe(1);
  });

  it('reports a deleted event as a version gap and a relinked one as prev_hash_mismatch', () => {
    const rows = chain('case-b', 4);
    expect(run([rows[0], rows[2], rows[3]]).firstBreak).toMatchObject({ version: 3, reason: 'version_gap', expected: '2', found: '3' });
    const relinked = { ...rows[2], streamVersion: 2 };
    expect(run([rows[0], relinked]).firstBreak).toMatchObject({ version: 2, reason: 'prev_hash_mismatch', expected: rows[0].hash, found: rows[1].hash });
  });

  it('stops at the first break: nothing after it is checked', () => {
    const rows = chain('project-c', 5);
    rows[1] = { ...rows[1], type: 'Forged' };
    rows[3] = { ...rows[3], type: 'AlsoForged' };
    const checker = run(rows);
    expect(checker.firstBreak?.version).toBe(2);
    expect(checker.check(rows[4])).toBe(false);
  });

  it('orders breaks by global position, not by text', () => {
    const a = { streamId: 'a', version: 1, position: '99', reason: 'hash_mismatch' as const, expected: 'x', found: 'y' };
    const b = { ...a, streamId: 'b', position: '100' };
    expect(earlierBreak(b, a)).toBe(a);
    expect(earlierBreak(null, b)).toBe(b);
  });
});
