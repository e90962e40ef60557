import { Module } from '@nestjs/common';
import { EscalationDirectoryModule } from '../directory/escalation-directory.module';
import { NOTIFICATION_DELIVERY_PROVIDERS } from '../notification/delivery';
import { EscalationQueues } from './escalation-queues.provider';
import { EscalationReconciler } from './escalation.reconciler';
import { EscalationRelay } from './escalation.relay';
import { EscalationTimerHandler, EscalationTimerProcessor } from './escalation-timer.processor';

/** The worker side of escalation (DESIGN §6): relay, ladder timers, notification delivery and their reconciler. */
@Module({
  imports: [EscalationDirectoryModule],
  providers: [EscalationQueues, EscalationRelay, EscalationTimerHandler, EscalationTimerProcessor, EscalationReconciler, ...NOTIFICATION_DELIVERY_PROVIDERS],
  exports: [EscalationQueues, EscalationRelay, EscalationReconciler, EscalationTimerHandler],
})
export class EscalationWorkerModule {}
