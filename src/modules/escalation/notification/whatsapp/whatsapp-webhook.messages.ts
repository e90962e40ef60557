import { Command, Query } from '@nestjs/cqrs';
import type { StatusWebhookOutcome } from './whatsapp-status-webhook.handler';

/** Meta's subscription handshake (GET): the challenge is answered when the verify token is Sinergi's. */
export class VerifyWhatsappSubscriptionQuery extends Query<string> {
  constructor(
    readonly mode: string | undefined,
    readonly token: string | undefined,
    readonly challenge: string | undefined,
  ) {
    super();
  }
}

/** Meta's status notifications (POST), signed over the raw body with the app secret. */
export class RecordWhatsappStatusesCommand extends Command<StatusWebhookOutcome> {
  constructor(
    readonly rawBody: Buffer | undefined,
    readonly signature: string | undefined,
    readonly body: unknown,
  ) {
    super();
  }
}
