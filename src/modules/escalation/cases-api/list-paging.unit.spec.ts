import { DomainError } from '@sinergi/common';
import { decodeCursor, encodeCursor, pageSize, singleParam, toPage } from './list-paging';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? { kind: error.kind, path: error.errors[0]?.path } : error;
  }
  throw new Error('expected a refusal');
};

describe('list paging', () => {
  it('decodes the cursor it encoded, keeping PostgreSQL’s microseconds', () => {
    const key = { at: '2025-05-01T08:00:00.123456+00:00', id: '0f8fad5b-d9cb-469f-a165-70867728950e' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(undefined)).toBeNull();
  });

  it.each(['', 'not-a-cursor', Buffer.from('["yesterday","0f8fad5b-d9cb-469f-a165-70867728950e"]').toString('base64url'), Buffer.from('["2025-05-01T08:00:00Z","x"]').toString('base64url')])(
    'refuses the cursor %j as a 400 on cursor',
    (raw) => {
      expect(refusal(() => decodeCursor(raw))).toEqual({ kind: 'invalid', path: 'cursor' });
    },
  );

  it('takes limits from 1 to 200, 50 by default', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize('1')).toBe(1);
    expect(pageSize('200')).toBe(200);
    for (const raw of ['0', '201', '1.5', '-3', 'ten', '']) expect(refusal(() => pageSize(raw))).toEqual({ kind: 'invalid', path: 'limit' });
  });

  it('refuses a parameter given twice', () => {
    expect(singleParam({ status: 'OPEN' }, 'status')).toBe('OPEN');
    expect(refusal(() => singleParam({ status: ['OPEN', 'WAIVED'] }, 'status'))).toEqual({ kind: 'invalid', path: 'status' });
  });

  it('gives a next cursor only when a row beyond the page was fetched', () => {
    const rows = [1, 2, 3].map((n) => ({ at: `2025-05-0${n}T00:00:00+00:00`, id: `0f8fad5b-d9cb-469f-a165-70867728950${n}` }));
    const full = toPage(rows, 2, (r) => r, (r) => r.id);
    expect(full.items).toEqual([rows[0].id, rows[1].id]);
    expect(decodeCursor(full.nextCursor!)).toEqual(rows[1]);
    expect(toPage(rows.slice(0, 2), 2, (r) => r, (r) => r.id).nextCursor).toBeNull();
  });
});
