import { Inject, Injectable } from '@nestjs/common';
import { type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { EmailChannel } from '../email.channel';
import { WebhookChannel } from '../webhook.channel';
import { WhatsappChannel } from '../whatsapp/whatsapp.channel';

/**
 * The outgoing channels of one worker process: a pooled SMTP transport (only when SMTP_URL is set), the signed
 * webhook sender and the WhatsApp Cloud API (only when WHATSAPP_API_URL is set). The inbox needs no transport: it is
 * a row written with the delivery's own record.
 */
@Injectable()
export class NotificationChannels {
  /** null: no SMTP_URL, every e-mail notification fails as `smtp_not_configured`. */
  readonly email: EmailChannel | null;
  readonly webhook: WebhookChannel;
  /** null: no WHATSAPP_API_URL, every WhatsApp notification fails as `whatsapp_not_configured`. */
  readonly whatsapp: WhatsappChannel | null;

  constructor(@Inject(SINERGI_CONFIG) config: SinergiConfig) {
    const { mailFrom, webhookAllowHosts, deliveryTimeoutMs } = config.escalation;
    this.email = config.smtpUrl ? new EmailChannel({ smtpUrl: config.smtpUrl, from: mailFrom, timeoutMs: deliveryTimeoutMs }) : null;
    this.webhook = new WebhookChannel({ allowHosts: webhookAllowHosts, timeoutMs: deliveryTimeoutMs });
    this.whatsapp = config.whatsapp ? new WhatsappChannel(config.whatsapp, deliveryTimeoutMs) : null;
  }

  /** Closes the SMTP pool; call after the worker has finished its jobs in hand. */
  async close(): Promise<void> {
    await this.email?.close();
  }
}
