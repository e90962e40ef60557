import type { Principal } from '@sinergi/auth';
import { DomainError } from '@sinergi/common';
import { actorParam, cursorParam, encodeCursor, limitParam, onlyParams, regionPrefixes, timeRange, typesParam } from './audit-query';

const reader = (regions: string[]): Pick<Principal, 'regions'> => ({ regions });

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('regionPrefixes', () => {
  it("reads the reader's whole scope when no region is asked for", () => {
    expect(regionPrefixes(reader(['73.07', '73.07.05', '73.08']), undefined)).toEqual(['73.07', '73.08']);
    expect(regionPrefixes(reader(['*']), undefined)).toBeUndefined();
  });

  it('narrows to a region inside the scope', () => {
    expect(regionPrefixes(reader(['73.07']), '73.07.05')).toEqual(['73.07.05']);
    expect(regionPrefixes(reader(['*']), '73.08')).toEqual(['73.08']);
  });

  it('cuts a wider region down to the scope inside it', () => {
    expect(regionPrefixes(reader(['73.07', '74.01']), '73')).toEqual(['73.07']);
  });

  it('answers 404 for a region outside the scope', () => {
    expect(refusal(() => regionPrefixes(reader(['73.08']), '73.07')).kind).toBe('not_found');
    expect(refusal(() => regionPrefixes(reader(['73.07.05']), '73.07.06')).kind).toBe('not_found');
  });

  it('refuses a malformed region code with a 400 naming the parameter', () => {
    expect(refusal(() => regionPrefixes(reader(['*']), "73.07' OR 1=1 --")).errors[0].path).toBe('regionCode');
  });
});

describe('search parameters', () => {
  it('refuses parameters the route does not know, such as a sort', () => {
    expect(refusal(() => onlyParams({ sort: 'hash;DROP TABLE events' }, ['regionCode'])).errors[0]).toMatchObject({ path: 'sort', code: 'unknown_parameter' });
  });

  it('accepts instants with an offset only, and a non-empty range', () => {
    expect(timeRange({ from: '2025-07-01T00:00:00+08:00', to: '2025-07-02T00:00:00Z' }).from?.toISOString()).toBe('2025-06-30T16:00:00.000Z');
    expect(refusal(() => timeRange({ from: '2025-07-01' })).errors[0].path).toBe('from');
    expect(refusal(() => timeRange({ from: '2025-07-02T00:00:00Z', to: '2025-07-01T00:00:00Z' })).errors[0].path).toBe('to');
  });

  it('reads types as PascalCase names', () => {
    expect(typesParam({ type: 'CaseOpened,EscalationLevelReached' })).toEqual(['CaseOpened', 'EscalationLevelReached']);
    expect(refusal(() => typesParam({ type: "CaseOpened' OR '1'='1" })).errors[0].path).toBe('type');
  });

  it('reads an actor as kind:id or as a bare id', () => {
    expect(actorParam({ actor: 'client:spse-sinjai' })).toEqual({ kind: 'client', id: 'spse-sinjai' });
    expect(actorParam({ actor: 'user:auth0|42' })).toEqual({ kind: 'user', id: 'auth0|42' });
    expect(actorParam({ actor: 'kadis-sinjai' })).toEqual({ id: 'kadis-sinjai' });
    expect(refusal(() => actorParam({ actor: 'a b' })).errors[0].path).toBe('actor');
  });

  it('limits a page to 1,000 events', () => {
    expect(limitParam({})).toBe(100);
    expect(limitParam({ limit: '1000' })).toBe(1000);
    expect(refusal(() => limitParam({ limit: '1001' })).errors[0].path).toBe('limit');
  });

  it('round-trips a cursor and refuses a forged one', () => {
    const key = { transactionId: '12345', position: '678' };
    expect(cursorParam({ cursor: encodeCursor(key) })).toEqual(key);
    const forged = Buffer.from(JSON.stringify(['1); DELETE FROM events; --', '1'])).toString('base64url');
    expect(refusal(() => cursorParam({ cursor: forged })).errors[0].path).toBe('cursor');
  });
});
