import { Module } from '@nestjs/common';
import { EscalationDirectoryModule } from '../directory/escalation-directory.module';
import { NOTIFICATION_DELIVERY_PROVIDERS } from '../notification/delivery';
import { EscalationQueues } from './escalation-queues.provider';
import { EscalationReconciler } from './escalation.reconciler';
import { EscalationRelay } from './escalation.relay';
import { EscalationTimerHandler, EscalationTimerSweeper } from './escalation-timers';
import { WhatsappReadFallback } from '../notification/whatsapp/whatsapp-read-fallback';

/**
 * The worker side of escalation (docs/api.md): relay, ladder timers, notification delivery and their reconciler, and
 * the e-mail fallback for WhatsApp messages left unread.
 */
@Module({
  imports: [EscalationDirectoryModule],
  providers: [EscalationQueues, EscalationRelay, EscalationTimerHandler, EscalationTimerSweeper, EscalationReconciler, WhatsappReadFallback, ...NOTIFICATION_DELIVERY_PROVIDERS],
  exports: [EscalationQueues, EscalationRelay, EscalationReconciler, EscalationTimerHandler, EscalationTimerSweeper, WhatsappReadFallback],
})
export class EscalationWorkerModule {}
