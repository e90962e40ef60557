import { randomUUID } from 'node:crypto';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { canSeeRegion, hasPermission, resourceNotFound } from '@sinergi/auth';
import { GetProjectHistoryQuery } from './get-project-history.query';
import { AuditAccessLog } from '../../access-log/audit-access-log';
import { auditEventColumns, RELATED_STREAMS_SQL } from '../../audit-events.sql';
import { type AuditEventRow, type AuditEventView, revealedRefs, toAuditEventView } from '../../audit-event.view';
import { PII_READ } from '../../audit-query';
import { isUuid } from '@sinergi/common';
import { ReadDatabase } from '../../../../platform/read-routing';

const historySql = (piiRead: boolean) => `SELECT ${auditEventColumns(piiRead)} FROM events WHERE events.stream_id IN (${RELATED_STREAMS_SQL('$1')})
  ORDER BY events.transaction_id, events.global_position`;
const HISTORY_SQL = { masked: historySql(false), piiRead: historySql(true) };

export interface StreamHeadView {
  streamId: string;
  version: number;
  hash: string;
}

export interface ProjectHistory {
  projectId: string;
  regionCode: string;
  /** Every stream the history draws on, with the head it was read at. */
  streams: StreamHeadView[];
  count: number;
  /** In commit order, as the relay and every projection read the log. */
  events: AuditEventView[];
}

/**
 * Everything that happened to one project (issue 6 item 1): its procurement and compliance streams, its cases and
 * their notifications, in commit order, in one statement over the stream index. Unknown and out of scope are the
 * same 404; the look is recorded either way.
 */
@QueryHandler(GetProjectHistoryQuery)
export class GetProjectHistoryHandler implements IQueryHandler<GetProjectHistoryQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    private readonly accessLog: AuditAccessLog,
  ) {}

  async execute({ projectId, reader, correlationId }: GetProjectHistoryQuery): Promise<ProjectHistory> {
    const access = { accessId: randomUUID(), reader, action: 'history' as const, filters: { projectId }, correlationId };
    const piiRead = hasPermission(reader, PII_READ);
    const rows = isUuid(projectId)
      ? (
          await (await this.reads.pool()).query<AuditEventRow>({
            // Prepared once per connection: the plan is the same for every project.
            name: piiRead ? 'audit-project-history-pii' : 'audit-project-history',
            text: piiRead ? HISTORY_SQL.piiRead : HISTORY_SQL.masked,
            values: [[projectId]],
          })
        ).rows
      : [];
    const registration = rows.find((r) => r.stream_id === `project-${projectId}` && r.stream_version === 1);
    const regionCode = registration?.type === 'ProjectRegistered' ? registration.data.regionCode : undefined;
    if (typeof regionCode !== 'string' || !canSeeRegion(reader, regionCode)) {
      await this.accessLog.record({ ...access, outcome: 'not_found', resultCount: 0 });
      throw resourceNotFound('project');
    }
    const events = rows.map(toAuditEventView);
    const heads = new Map<string, StreamHeadView>();
    for (const e of events) {
      const head = heads.get(e.streamId);
      if (!head || head.version < e.version) heads.set(e.streamId, { streamId: e.streamId, version: e.version, hash: e.hash });
    }
    await this.accessLog.record({ ...access, outcome: 'ok', resultCount: events.length }, revealedRefs(events));
    return { projectId, regionCode, streams: [...heads.values()], count: events.length, events };
  }
}
