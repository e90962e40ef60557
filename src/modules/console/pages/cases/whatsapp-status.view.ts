import { witaWallClock } from '@sinergi/domain';
import type { NotificationView } from '../../../escalation/cases-api/queries/get-case/case-timeline';
import { formatDate } from '../../view/console-format';
import { type Html, html } from '../../view/html';

/** A WhatsApp message's status as officials say it: accepted by WhatsApp, on the phone, read. */
export const WHATSAPP_STATUS_ID: Readonly<Record<NotificationView['status'], string>> = {
  PENDING: 'Menunggu dikirim',
  SENT: 'Terkirim',
  DELIVERED: 'Diterima',
  READ: 'Dibaca',
  FAILED: 'Gagal terkirim',
};

const clock = (ms: number) => {
  const w = witaWallClock(ms);
  return { date: w.date, time: `${String(w.hour).padStart(2, '0')}.${String(w.minute).padStart(2, '0')}` };
};

/**
 * What happened to a WhatsApp message, in WITA and in the order it happened: "terkirim 16 Mei 2025 10.39 · diterima
 * 10.40 · dibaca 10.42 WITA" (the date again only where the day changes). Empty while nothing has happened.
 */
export function whatsappTrail(n: Pick<NotificationView, 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt' | 'status'>): string {
  const steps: [string, string | null][] = [
    ['terkirim', n.sentAt],
    ['diterima', n.deliveredAt],
    ['dibaca', n.readAt],
    ['gagal', n.status === 'FAILED' ? n.failedAt : null],
  ];
  const known = steps
    .filter((s): s is [string, string] => s[1] !== null && !Number.isNaN(Date.parse(s[1])))
    .map(([label, at]) => ({ label, ms: Date.parse(at) }))
    .sort((a, b) => a.ms - b.ms);
  let day: string | null = null;
  const parts = known.map(({ label, ms }) => {
    const c = clock(ms);
    const part = c.date === day ? `${label} ${c.time}` : `${label} ${formatDate(c.date)} ${c.time}`;
    day = c.date;
    return part;
  });
  return parts.length ? `${parts.join(' · ')} WITA` : '';
}

const badgeClass = (status: NotificationView['status']) =>
  status === 'READ' || status === 'DELIVERED' ? 'b-ok' : status === 'FAILED' ? 'b-bad' : status === 'SENT' ? 'b-info' : 'b-wait';

/** The status badge and trail of a WhatsApp notification on the case page. */
export function whatsappStatus(n: NotificationView): Html {
  const trail = whatsappTrail(n);
  return html`<span class="badge ${badgeClass(n.status)}">${WHATSAPP_STATUS_ID[n.status] ?? n.status}</span>${trail ? html` <span class="muted">${trail}</span>` : ''}${
    n.status === 'FAILED' && n.lastErrorCode ? html` <span class="muted">(${n.lastErrorCode})</span>` : ''
  }`;
}
