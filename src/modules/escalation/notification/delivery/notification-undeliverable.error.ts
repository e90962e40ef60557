import type { UndeliverableCode } from '../notification.events';

/**
 * The notification cannot be handed to any channel as it stands (no address, no SMTP, nothing to say): permanent,
 * recorded as a final NotificationDeliveryFailed. The message names the missing thing, never a value.
 */
export class NotificationUndeliverableError extends Error {
  override readonly name = 'NotificationUndeliverableError';
  readonly retryable = false;

  constructor(
    readonly code: UndeliverableCode,
    message: string,
  ) {
    super(message);
  }
}
