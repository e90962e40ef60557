import { Module } from '@nestjs/common';
import { VerifyWhatsappSubscriptionHandler, WhatsappStatusWebhookHandler } from './whatsapp-status-webhook.handler';
import { WhatsappWebhookHttpController } from './whatsapp-webhook.http.controller';

/**
 * The API's side of the WhatsApp channel: Meta's status webhook (`/v1/webhooks/whatsapp`). Needs PG_POOL and
 * EventStore (DatabaseModule), SINERGI_CONFIG and SinergiMetrics, all global. Answers 404 while WhatsApp is off.
 */
@Module({
  controllers: [WhatsappWebhookHttpController],
  providers: [WhatsappStatusWebhookHandler, VerifyWhatsappSubscriptionHandler],
})
export class WhatsappWebhookModule {}
