import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { EventFilter } from '../../audit-events.sql';
import { invalidParam, onlyParams, regionPrefixes, singleParam, timeRange } from '../../audit-query';
import { EXPORT_FORMATS, type ExportFormat } from './export-format';
import { type OpenedExport } from './export-events.handler';

export const EXPORT_PARAMS = ['regionCode', 'from', 'to', 'format'] as const;

/** `GET /v1/audit/export`, validated. */
export interface ExportEventsParams {
  reader: Principal;
  filter: EventFilter;
  format: ExportFormat;
  regionCode?: string;
  /** The filters as the caller gave them, for the access log. */
  echo: Record<string, string>;
}

export function parseExportEventsQuery(reader: Principal, query: Record<string, unknown>): ExportEventsParams {
  onlyParams(query, EXPORT_PARAMS);
  const format = singleParam(query, 'format') ?? 'ndjson';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw invalidParam('format', 'not_allowed', `format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const regionCode = singleParam(query, 'regionCode');
  const regions = regionPrefixes(reader, regionCode);
  const { from, to } = timeRange(query);
  const echo = Object.fromEntries(EXPORT_PARAMS.flatMap((name) => (typeof query[name] === 'string' ? [[name, query[name] as string]] : [])));
  return { reader, filter: { regions, from, to }, format: format as ExportFormat, regionCode, echo };
}

/** `GET /v1/audit/export` as the caller asked it: the answer is the export opened, to be streamed to the caller. */
export class ExportEventsQuery extends Query<OpenedExport> {
  constructor(
    readonly reader: Principal,
    readonly query: Record<string, unknown>,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
