import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { canSeeRegion, resourceNotFound } from '@sinergi/auth';
import { readStreamOf } from '@sinergi/event-store';
import type { CaseAcknowledgement, CaseStatus } from '../../../case-decider/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../../../case-decider/escalation-case.events';
import type { EscalationLadder } from '../../../ladder/escalation-ladder';
import { buildTimeline, type NotificationRow, type TimelineEntry } from './case-timeline';
import { GetCaseQuery } from './get-case.query';
import { ReadDatabase } from '../../../../../platform/read-routing';
import { isUuid } from '@sinergi/common';

export interface CaseDetail {
  caseId: string;
  projectId: string;
  regionCode: string;
  agencyCode: string;
  status: CaseStatus;
  reasons: string[];
  ladder: EscalationLadder;
  currentLevel: number;
  reachedLevels: number[];
  nextEscalationAt: string | null;
  acknowledgements: CaseAcknowledgement[];
  acknowledgedAtCurrentLevel: boolean;
  paymentHold: boolean;
  heldTermins: number[];
  openedAt: string;
  endedAt: string | null;
  version: number;
  timeline: TimelineEntry[];
}

/** One case folded from its stream (strongly consistent), with its timeline and the deliveries it caused. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery> {
  constructor(private readonly reads: ReadDatabase) {}

  async execute({ caseId, reader }: GetCaseQuery): Promise<CaseDetail> {
    if (!isUuid(caseId)) throw resourceNotFound('case');
    const stream = await readStreamOf<EscalationCaseEvent>(await this.reads.store(), caseStreamId(caseId));
    const opened = stream.events[0];
    const regionCode = opened?.type === 'CaseOpened' ? opened.data.regionCode : undefined;
    // Unknown and out of scope answer alike: no existence leak (docs/api.md).
    if (regionCode === undefined || !canSeeRegion(reader, regionCode)) throw resourceNotFound('case');
    const { rows } = await (await this.reads.pool()).query<NotificationRow>(
      `SELECT id, kind, channel, recipient_kind, position, status, attempts, last_error_code, level, cause_event_id, created_at, sent_at,
              delivered_at, read_at, failed_at, fallback_of
         FROM notifications WHERE case_id = $1 ORDER BY created_at, id`,
      [caseId],
    );
    const { state, timeline } = buildTimeline(stream.events, rows);
    return {
      caseId,
      projectId: state.projectId!,
      regionCode: state.regionCode!,
      agencyCode: state.agencyCode!,
      status: state.status as CaseStatus,
      reasons: state.reasons,
      ladder: state.ladder!,
      currentLevel: state.currentLevel ?? 0,
      reachedLevels: state.reachedLevels,
      nextEscalationAt: state.nextEscalationAt,
      acknowledgements: state.acknowledgements,
      acknowledgedAtCurrentLevel: state.acknowledgements.some((a) => a.level === state.currentLevel),
      paymentHold: state.heldTermins.length > 0,
      heldTermins: state.heldTermins,
      openedAt: state.openedAt!,
      endedAt: state.endedAt,
      version: stream.head.version,
      timeline,
    };
  }
}
