import { whatsappStatus, whatsappTrail } from './whatsapp-status.view';

const view = (changes: Record<string, unknown>) =>
  ({
    id: 'n',
    kind: 'CASE_ESCALATED',
    channel: 'WHATSAPP',
    recipientKind: 'OFFICIAL',
    position: 'KEPALA_DINAS',
    status: 'SENT',
    attempts: 1,
    lastErrorCode: null,
    createdAt: '2025-05-23T02:00:00.000Z',
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    fallbackOf: null,
    ...changes,
  }) as Parameters<typeof whatsappStatus>[0];

describe('a WhatsApp notification on the case page', () => {
  it('says when it was sent, delivered and read, in WITA, the date once per day', () => {
    expect(
      whatsappTrail(view({ status: 'READ', sentAt: '2025-05-23T02:39:10Z', deliveredAt: '2025-05-23T02:40:00Z', readAt: '2025-05-23T02:42:59Z' })),
    ).toBe('terkirim 23 Mei 2025 10.39 · diterima 10.40 · dibaca 10.42 WITA');
    // Read the next morning (WITA), after midnight.
    expect(whatsappTrail(view({ status: 'READ', sentAt: '2025-05-23T15:30:00Z', readAt: '2025-05-24T00:05:00Z' }))).toBe(
      'terkirim 23 Mei 2025 23.30 · dibaca 24 Mei 2025 08.05 WITA',
    );
    expect(whatsappTrail(view({ status: 'PENDING' }))).toBe('');
  });

  it('shows the status in Bahasa Indonesia, and why it failed', () => {
    expect(whatsappStatus(view({ status: 'READ', sentAt: '2025-05-23T02:39:10Z', readAt: '2025-05-23T02:42:59Z' })).value).toContain('Dibaca');
    const failed = whatsappStatus(view({ status: 'FAILED', sentAt: '2025-05-23T02:39:10Z', failedAt: '2025-05-23T02:41:00Z', lastErrorCode: 'whatsapp_not_on_whatsapp' })).value;
    expect(failed).toContain('Gagal terkirim');
    expect(failed).toContain('gagal 10.41');
    expect(failed).toContain('(whatsapp_not_on_whatsapp)');
  });
});
