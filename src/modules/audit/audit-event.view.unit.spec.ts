import { type AuditEventRow, revealedRefs, toAuditEventView } from './audit-event.view';
import { inlineParams } from './audit-events.sql';

const row = (overrides: Partial<AuditEventRow> = {}): AuditEventRow => ({
  global_position: '42',
  transaction_id: '1001',
  stream_id: 'project-p-1',
  stream_version: 1,
  event_id: '5f0c8a4e-2b7d-4c1e-9a3f-6d2e1b0c9a87',
  type: 'ProjectRegistered',
  schema_version: 1,
  data: { ppk: { ref: 'ppk_abc' } },
  metadata: { actor: { kind: 'client', id: 'spse-sinjai' }, correlationId: 'corr-1', causationId: null, sourceEventId: 'src-1', regionCode: '73.07.06' },
  recorded_at: new Date('2025-07-01T01:02:03.456Z'),
  prev_hash: '0'.repeat(64),
  hash: 'a'.repeat(64),
  masked: false,
  personal_data: null,
  ...overrides,
});

describe('the audit view of an event', () => {
  it('names who did it, when, and why, from the metadata', () => {
    expect(toAuditEventView(row())).toEqual({
      position: '42',
      transactionId: '1001',
      streamId: 'project-p-1',
      version: 1,
      eventId: '5f0c8a4e-2b7d-4c1e-9a3f-6d2e1b0c9a87',
      type: 'ProjectRegistered',
      schemaVersion: 1,
      recordedAt: '2025-07-01T01:02:03.456Z',
      regionCode: '73.07.06',
      actor: { kind: 'client', id: 'spse-sinjai' },
      correlationId: 'corr-1',
      causationId: null,
      sourceEventId: 'src-1',
      data: { ppk: { ref: 'ppk_abc' } },
      metadata: row().metadata,
      masked: false,
      prevHash: '0'.repeat(64),
      hash: 'a'.repeat(64),
    });
  });

  it('shows no actor rather than a malformed one', () => {
    expect(toAuditEventView(row({ metadata: { actor: { kind: 'client' }, correlationId: 'c' } })).actor).toBeNull();
  });

  it('counts as revealed only the people whose data was shown', () => {
    const views = [
      toAuditEventView(row({ personal_data: { ppk_abc: { kind: 'ppk', erased: false, data: { name: 'Andi Baso' } } } })),
      toAuditEventView(row({ personal_data: { w_1: { kind: 'worker', erased: true }, ppk_abc: { kind: 'ppk', erased: false, data: {} } } })),
      toAuditEventView(row()),
    ];
    expect(revealedRefs(views)).toEqual(['ppk_abc']);
  });
});

describe('inlineParams (COPY takes no parameters)', () => {
  const db = { escapeLiteral: (v: string) => `'${v.replace(/'/g, "''")}'` };

  it('replaces each placeholder by its literal, $1 and $10 alike', () => {
    const params = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(inlineParams('a = $1 AND b = $10', params, db)).toBe(`a = 'v1' AND b = 'v10'`);
  });

  it('quotes what it inlines, arrays included', () => {
    expect(inlineParams('x = ANY($1::text[]) AND y = $2', [["a'b", 'c'], "'; DROP TABLE events; --"], db)).toBe(
      `x = ANY(ARRAY['a''b', 'c']::text[]::text[]) AND y = '''; DROP TABLE events; --'`,
    );
  });
});
