import type { LoggerService } from '@nestjs/common';
import { safeError } from '@sinergi/common';
import type { RecordedEvent } from '@sinergi/event-store';
import type { SinergiMetrics } from './metrics';

/**
 * The `onParked` of a log consumer: counts the parked event (the alert) and says which one, by position, type and
 * stream only. Admins find it with its error in `GET /v1/ops/parked-events`.
 */
export const reportParkedEvent =
  (consumer: string, metrics: SinergiMetrics, logger: LoggerService) =>
  (event: RecordedEvent, error: unknown): void => {
    metrics.parkedEvents.inc({ consumer });
    logger.error(
      { consumer, globalPosition: event.globalPosition, type: event.type, streamId: event.streamId, err: safeError(error) },
      'event parked: it could not be applied and was set aside so the consumer goes on',
    );
  };
