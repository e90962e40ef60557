import { Command } from '@nestjs/cqrs';
import type { EventActor } from '@sinergi/event-store';
import type { SegmentReportView } from './report-segment-enrolment.handler';

/** Report a worker segment's enrolment for a region and month; `body` is the PUT body, validated by the handler. */
export class ReportSegmentEnrolmentCommand extends Command<SegmentReportView> {
  constructor(
    readonly regionCode: string,
    readonly segment: string,
    readonly period: string,
    readonly body: unknown,
    readonly actor: EventActor,
    readonly correlationId: string,
  ) {
    super();
  }
}
