import { timingSafeEqual } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, forbidden, notFound, SINERGI_CONFIG, type SinergiConfig, type WhatsappConfig } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { EventStore, retryOnConflict } from '@sinergi/event-store';
import { Counter } from 'prom-client';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../../platform/metrics';
import { type StatusReport, statusReportsOf, verifyHubSignature } from './whatsapp-status';
import { lockMessageId, lockRowByMessageId, recordStatusReports } from './whatsapp-status.recorder';
import { RecordWhatsappStatusesCommand, VerifyWhatsappSubscriptionQuery } from './whatsapp-webhook.messages';

export interface StatusWebhookOutcome {
  /** Statuses the webhook carried that are about Sinergi's number. */
  received: number;
  /** New reports recorded on a notification's stream. */
  recorded: number;
  /** Reports about a message whose acceptance is not recorded yet: kept until it is. */
  parked: number;
}

const ACTOR = { kind: 'system', id: 'whatsapp-webhook' } as const;

/**
 * Meta's WhatsApp status notifications (POST): 401 unless X-Hub-Signature-256 signs the raw body with the app
 * secret; then each status recorded against its notification (append-only, once per message and status). Nothing
 * about the recipient (their number, `recipient_id`) is read, kept or logged.
 */
@CommandHandler(RecordWhatsappStatusesCommand)
export class WhatsappStatusWebhookHandler implements ICommandHandler<RecordWhatsappStatusesCommand> {
  private readonly logger = new Logger('WhatsappWebhook');
  private readonly reports: Counter;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: EventStore,
    metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {
    this.reports = new Counter({
      name: 'sinergi_whatsapp_status_reports_total',
      help: 'WhatsApp status webhook reports by outcome (recorded, duplicate, parked, foreign: about another number)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
  }

  async execute({ rawBody, signature, body }: RecordWhatsappStatusesCommand): Promise<StatusWebhookOutcome> {
    const whatsapp = enabledWhatsapp(this.config);
    if (!rawBody || !verifyHubSignature(whatsapp.appSecret, rawBody, signature)) {
      throw new DomainError('unauthenticated', 'invalid_signature', 'X-Hub-Signature-256 does not sign the request body with the app secret');
    }
    const all = statusReportsOf(body);
    const ours = all.filter((r) => r.phoneNumberId === null || r.phoneNumberId === whatsapp.phoneNumberId);
    if (ours.length < all.length) this.reports.inc({ outcome: 'foreign' }, all.length - ours.length);
    const byMessage = new Map<string, StatusReport[]>();
    for (const r of ours) byMessage.set(r.messageId, [...(byMessage.get(r.messageId) ?? []), r]);
    const outcome: StatusWebhookOutcome = { received: ours.length, recorded: 0, parked: 0 };
    for (const [messageId, reports] of byMessage) {
      const { recorded, parked } = await this.apply(messageId, reports);
      outcome.recorded += recorded;
      outcome.parked += parked;
      this.reports.inc({ outcome: 'recorded' }, recorded);
      this.reports.inc({ outcome: 'parked' }, parked);
      this.reports.inc({ outcome: 'duplicate' }, reports.length - recorded - parked);
    }
    if (outcome.received) this.logger.log(outcome, 'whatsapp statuses received');
    return outcome;
  }

  private apply(messageId: string, reports: StatusReport[]): Promise<{ recorded: number; parked: number }> {
    return retryOnConflict(() =>
      inTransaction(this.pool, async (client) => {
        await lockMessageId(client, messageId);
        const row = await lockRowByMessageId(client, messageId);
        if (row === null) {
          // The delivery has not recorded this message's acceptance yet (or it is not Sinergi's): kept, applied then.
          let parked = 0;
          for (const r of reports) {
            const { rowCount } = await client.query(
              `INSERT INTO whatsapp_parked_statuses (message_id, status, reported_at, error_code) VALUES ($1, $2, $3, $4)
               ON CONFLICT (message_id, status) DO NOTHING`,
              [messageId, r.status, r.reportedAt, r.errorCode],
            );
            parked += rowCount ?? 0;
          }
          return { recorded: 0, parked };
        }
        const { recorded } = await recordStatusReports(this.store, client, row, reports, { actor: { ...ACTOR }, correlationId: `whatsapp-${row.id}` });
        return { recorded, parked: 0 };
      }),
    );
  }

}

/** GET: answers the challenge when the verify token is Sinergi's; 403 otherwise; 404 with WhatsApp off. */
@QueryHandler(VerifyWhatsappSubscriptionQuery)
export class VerifyWhatsappSubscriptionHandler implements IQueryHandler<VerifyWhatsappSubscriptionQuery> {
  constructor(@Inject(SINERGI_CONFIG) private readonly config: SinergiConfig) {}

  async execute({ mode, token, challenge }: VerifyWhatsappSubscriptionQuery): Promise<string> {
    const whatsapp = enabledWhatsapp(this.config);
    if (mode !== 'subscribe' || !sameSecret(token, whatsapp.verifyToken)) {
      throw forbidden('invalid_verify_token', 'hub.mode must be subscribe and hub.verify_token the configured verify token');
    }
    if (!challenge || challenge.length > 256) throw new DomainError('invalid', 'invalid_challenge', 'hub.challenge is required');
    return challenge;
  }
}

function enabledWhatsapp(config: SinergiConfig): WhatsappConfig {
  if (config.whatsapp === null) throw notFound('not_found', 'the WhatsApp channel is not configured');
  return config.whatsapp;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
