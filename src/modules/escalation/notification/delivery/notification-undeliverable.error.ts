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

/**
 * Another delivery of the same notification holds its claim (`notifications.claimed_until`) and may be sending it
 * now: this attempt sends nothing and records nothing; its job is retried later, when the row is settled (and the
 * retry skips it) or the claim has lapsed (the other delivery died, and the retry sends).
 */
export class NotificationInFlightError extends Error {
  override readonly name = 'NotificationInFlightError';

  constructor(notificationId: string) {
    super(`notification ${notificationId} is being delivered by another attempt`);
  }
}
