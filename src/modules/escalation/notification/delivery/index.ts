import { DeliverNotificationHandler } from './deliver-notification.handler';
import { DeliverNotificationProcessor } from './deliver-notification.processor';
import { NotificationChannels } from './notification-channels';

export { type DeliveryOutcome, DeliverNotificationHandler } from './deliver-notification.handler';
export { DeliverNotificationProcessor } from './deliver-notification.processor';
export { NotificationChannels } from './notification-channels';
export { caseUrlFor, composeNotificationMessage, type MessageSources, type NotificationRow, regionLabel } from './notification-message';
export { NotificationUndeliverableError } from './notification-undeliverable.error';

/**
 * The `notification` queue's consumer, for the worker module. Needs PG_POOL and EventStore (DatabaseModule),
 * SINERGI_CONFIG, CLOCK and SecretBox (SinergiConfigModule) and SinergiMetrics (MetricsModule), all global.
 */
export const NOTIFICATION_DELIVERY_PROVIDERS = [NotificationChannels, DeliverNotificationHandler, DeliverNotificationProcessor];
