import { isUuid, type SinergiConfig } from '@sinergi/common';
import type { EventStore } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import type { MessageSources, NotificationRow } from '../delivery/notification-message';
import { NotificationUndeliverableError } from '../delivery/notification-undeliverable.error';
import type { NotificationMessage } from '../notification.types';
import { type WhatsappChannel, type WhatsappDeliveryResult } from './whatsapp.channel';
import { indonesianMobile, isE164 } from './whatsapp-phone';
import { lockMessageId, lockRowById, recordStatusReports, takeParkedReports } from './whatsapp-status.recorder';
import { whatsappTemplateFor } from './whatsapp-template';

/**
 * Sends one WHATSAPP notification: the recipient's number is looked up now (an official's opted-in directory number,
 * or the contractor's mobile number from the registration when the event said it opted in) and goes only into the
 * Cloud API request; the template's parameters come from the same sources as the e-mail.
 */
export async function sendWhatsapp(
  pool: Pool,
  channel: WhatsappChannel | null,
  config: SinergiConfig,
  row: NotificationRow,
  message: NotificationMessage,
  sources: MessageSources,
  now: Date,
): Promise<WhatsappDeliveryResult> {
  if (channel === null || config.whatsapp === null) {
    throw new NotificationUndeliverableError('whatsapp_not_configured', 'no WhatsApp Cloud API is configured (WHATSAPP_API_URL)');
  }
  const to = await whatsappNumber(pool, row, sources);
  return channel.send(to, whatsappTemplateFor(row, sources, message, config.whatsapp.templates), now);
}

/** The recipient's WhatsApp number as it stands now: opted out or removed since the row was planned is no address. */
async function whatsappNumber(pool: Pool, row: NotificationRow, sources: MessageSources): Promise<string> {
  let number: string | null = null;
  if (row.recipientKind === 'OFFICIAL' && isUuid(row.recipientId)) {
    const { rows } = await pool.query<{ whatsapp: string | null }>(
      `SELECT whatsapp FROM officials WHERE id = $1 AND active AND whatsapp_opt_in`,
      [row.recipientId],
    );
    number = isE164(rows[0]?.whatsapp) ? rows[0].whatsapp : null;
  } else if (row.recipientKind === 'CONTRACTOR') {
    const contractor = sources.project.registration?.contractor;
    number = contractor?.whatsappOptIn === true ? indonesianMobile(contractor.phone) : null;
  }
  if (!number) throw new NotificationUndeliverableError('no_address', `the ${row.recipientKind.toLowerCase()} has no opted-in WhatsApp number`);
  return number;
}

/**
 * In the delivery's transaction, once the Cloud API accepted the message: the row is SENT with its wamid, and any
 * status that WhatsApp reported before this was recorded (parked by the webhook) is applied now.
 */
export async function recordWhatsappAccepted(
  store: EventStore,
  client: PoolClient,
  row: NotificationRow,
  result: WhatsappDeliveryResult,
  sentAt: Date,
  correlationId: string,
): Promise<void> {
  await lockMessageId(client, result.messageId);
  await client.query(
    `UPDATE notifications SET status = 'SENT', attempts = attempts + 1, sent_at = $2, provider_message_id = $3 WHERE id = $1`,
    [row.id, sentAt, result.messageId],
  );
  const reports = await takeParkedReports(client, result.messageId);
  if (reports.length === 0) return;
  const locked = await lockRowById(client, row.id);
  if (!locked) return;
  await recordStatusReports(store, client, locked, reports, { actor: { kind: 'system', id: 'whatsapp-webhook' }, correlationId });
}
