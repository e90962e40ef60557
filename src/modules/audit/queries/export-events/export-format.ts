import { CSV_CONTENT_TYPE, csvLine } from '@sinergi/common';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * How an export writes its lines. The trailer is the last line and carries the number of events and the SHA-256 (hex)
 * of every byte before it, so a reader can tell a complete export from a cut one and check it was not altered.
 */
export interface ExportWriter {
  contentType: string;
  extension: string;
  header: string | null;
  trailer(count: number, sha256: string): string;
}

/** One JSON object per line (the shape of the history's events; `ndjsonLineSql`), then `{"type":"trailer","count":N,"sha256":"…"}`. */
const ndjson: ExportWriter = {
  contentType: 'application/x-ndjson; charset=utf-8',
  extension: 'ndjson',
  header: null,
  trailer: (count, sha256) => `${JSON.stringify({ type: 'trailer', count, sha256 })}\n`,
};

export const CSV_COLUMNS = [
  'position',
  'transaction_id',
  'stream_id',
  'stream_version',
  'event_id',
  'type',
  'schema_version',
  'recorded_at',
  'region_code',
  'actor_kind',
  'actor_id',
  'correlation_id',
  'causation_id',
  'source_event_id',
  'masked',
  'data',
  'metadata',
  'personal_data',
  'prev_hash',
  'hash',
] as const;

/**
 * RFC 4180 with CRLF, every text cell neutralised against formula injection as libs/common/src/csv.ts does it
 * (`csvLineSql`); `data`, `metadata` and `personal_data` are JSON. The last line is `# count=N sha256=<hex>`.
 */
const csv: ExportWriter = {
  contentType: CSV_CONTENT_TYPE,
  extension: 'csv',
  header: csvLine(CSV_COLUMNS),
  trailer: (count, sha256) => `# count=${count} sha256=${sha256}\r\n`,
};

export const EXPORT_WRITERS: Record<ExportFormat, ExportWriter> = { ndjson, csv };
