import type { EventActor } from '@sinergi/event-store';
import type { ClientBase, Pool } from 'pg';
import { caseStreamIdSql } from '../escalation/case-decider/escalation-case.events';
import { notificationStreamIdSql } from '../escalation/notification/notification.events';
import { projectStreamIdSql } from '../project-intake/construction-project.events';
import { complianceStreamIdSql } from '../verification/compliance/compliance.events';
import type { CommitKey } from './audit-query';

/*
 * How auditors see an event, written once in SQL so that the JSON answers (history, search) and the exports, which
 * PostgreSQL formats itself, cannot disagree:
 * - data as stored, except the contractor's e-mail and phone of a ProjectRegistered, masked (`k***@domain`, `***890`)
 *   for a reader without `pii:read`; `masked` says so, because the hash cannot be recomputed from masked data;
 * - people only as personal-data references, resolved into `personalData` for a reader with `pii:read` (an erased
 *   person shows as erased, without data).
 */

/** Types whose data refers to people in `personal_data`. */
export const REFERRING_TYPES = ['ProjectRegistered', 'WorkersReported', 'WorkersUncovered', 'NotificationDelivered', 'NotificationDeliveryFailed'];

/** Never NULL: a missing key must not turn a whole exported line into NULL (and drop it). */
const isString = (path: string) => `COALESCE(jsonb_typeof(events.data #> '${path}') = 'string', false)`;

/** Whether a reader without `pii:read` sees this event's data masked. */
const MASKS_SQL = `(events.type = 'ProjectRegistered' AND (${isString('{contractor,email}')} OR ${isString('{contractor,phone}')}))`;

/** `k***@domain`: the first character and the domain (after the last '@'); '***' without a usable '@'. */
const maskEmailSql = (value: string) => `(CASE WHEN ${value} ~ '^.+@[^@]*$' THEN left(${value}, 1) || '***' || substring(${value} from '@[^@]*$') ELSE '***' END)`;
/** `***890`: the last three digits. */
const maskPhoneSql = (value: string) =>
  `(CASE WHEN length(regexp_replace(${value}, '\\D', '', 'g')) > 3 THEN '***' || right(regexp_replace(${value}, '\\D', '', 'g'), 3) ELSE '***' END)`;

const WITH_EMAIL_MASKED = `(CASE WHEN ${isString('{contractor,email}')}
  THEN jsonb_set(events.data, '{contractor,email}', to_jsonb(${maskEmailSql(`(events.data #>> '{contractor,email}')`)})) ELSE events.data END)`;
const MASKED_DATA_SQL = `(CASE WHEN ${isString('{contractor,phone}')}
  THEN jsonb_set(${WITH_EMAIL_MASKED}, '{contractor,phone}', to_jsonb(${maskPhoneSql(`(events.data #>> '{contractor,phone}')`)})) ELSE ${WITH_EMAIL_MASKED} END)`;

const arrayAt = (path: string) => `(CASE WHEN jsonb_typeof(events.data #> '${path}') = 'array' THEN events.data #> '${path}' ELSE '[]'::jsonb END)`;

/** The references an event's data holds: the PPK, reported workers, uncovered workers, a PPK recipient. */
export const PERSONAL_REFS_SQL = `(CASE events.type
  WHEN 'ProjectRegistered' THEN ARRAY(SELECT events.data #>> '{ppk,ref}' WHERE ${isString('{ppk,ref}')})
  WHEN 'WorkersReported' THEN ARRAY(SELECT w ->> 'personRef' FROM jsonb_array_elements(${arrayAt('{workers}')}) AS w WHERE jsonb_typeof(w -> 'personRef') = 'string')
  WHEN 'WorkersUncovered' THEN ARRAY(SELECT r #>> '{}' FROM jsonb_array_elements(${arrayAt('{personRefs}')}) AS r WHERE jsonb_typeof(r) = 'string')
  WHEN 'NotificationDelivered' THEN ARRAY(SELECT events.data #>> '{recipient,id}' WHERE events.data #>> '{recipient,kind}' = 'PPK' AND ${isString('{recipient,id}')})
  WHEN 'NotificationDeliveryFailed' THEN ARRAY(SELECT events.data #>> '{recipient,id}' WHERE events.data #>> '{recipient,kind}' = 'PPK' AND ${isString('{recipient,id}')})
  ELSE '{}'::text[] END)`;

/** `{ ref: { kind, erased, data? } }` for the people the event names, or NULL when it names none on record. */
const PEOPLE_SQL = `(CASE WHEN events.type IN (${REFERRING_TYPES.map((t) => `'${t}'`).join(', ')}) THEN (
  SELECT jsonb_object_agg(p.ref, CASE WHEN p.erased_at IS NULL AND p.data IS NOT NULL
                                      THEN jsonb_build_object('kind', p.kind, 'erased', false, 'data', p.data)
                                      ELSE jsonb_build_object('kind', p.kind, 'erased', true) END)
    FROM personal_data p WHERE p.ref = ANY(${PERSONAL_REFS_SQL})) END)`;

interface Shown {
  data: string;
  masked: string;
  people: string;
}

const shown = (piiRead: boolean): Shown =>
  piiRead
    ? { data: 'events.data', masked: 'false', people: PEOPLE_SQL }
    : { data: `(CASE WHEN ${MASKS_SQL} THEN ${MASKED_DATA_SQL} ELSE events.data END)`, masked: MASKS_SQL, people: 'NULL::jsonb' };

/** The columns `toAuditEventView` reads (data, metadata and personal_data as jsonb). */
export const auditEventColumns = (piiRead: boolean): string => {
  const s = shown(piiRead);
  return `events.global_position::text AS global_position, events.transaction_id::text AS transaction_id, events.stream_id,
    events.stream_version, events.event_id, events.type, events.schema_version, ${s.data} AS data, events.metadata, events.recorded_at,
    events.prev_hash, events.hash, ${s.masked} AS masked, ${s.people} AS personal_data`;
};

/** The ISO-8601 UTC instant JavaScript's `toISOString` writes (millisecond precision). */
const RECORDED_AT_ISO = `to_char(events.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** A JSON string value of the metadata as its JSON literal, anything else as null (as the view's `text()` does). */
const metadataText = (key: string) => `(CASE WHEN jsonb_typeof(events.metadata -> '${key}') = 'string' THEN (events.metadata -> '${key}')::text ELSE 'null' END)`;
const ACTOR_OK = `(jsonb_typeof(events.metadata #> '{actor,kind}') = 'string' AND jsonb_typeof(events.metadata #> '{actor,id}') = 'string')`;
const ACTOR_JSON = `(CASE WHEN ${ACTOR_OK} THEN jsonb_build_object('kind', events.metadata #> '{actor,kind}', 'id', events.metadata #> '{actor,id}')::text ELSE 'null' END)`;
const jsonString = (expr: string) => `to_json(${expr})::text`;

/**
 * One NDJSON line (with its newline) in the field order of `AuditEventView`; `JSON.parse` of it equals the view the
 * history and search give for the same event and reader.
 */
export const ndjsonLineSql = (piiRead: boolean): string => {
  const s = shown(piiRead);
  return `'{"position":' || ${jsonString('events.global_position::text')} || ',"transactionId":' || ${jsonString('events.transaction_id::text')}
    || ',"streamId":' || ${jsonString('events.stream_id')} || ',"version":' || events.stream_version
    || ',"eventId":' || ${jsonString('events.event_id::text')} || ',"type":' || ${jsonString('events.type')}
    || ',"schemaVersion":' || events.schema_version || ',"recordedAt":' || ${jsonString(RECORDED_AT_ISO)}
    || ',"regionCode":' || ${metadataText('regionCode')} || ',"actor":' || ${ACTOR_JSON}
    || ',"correlationId":' || ${metadataText('correlationId')} || ',"causationId":' || ${metadataText('causationId')}
    || ',"sourceEventId":' || ${metadataText('sourceEventId')}
    || ',"data":' || ${s.data}::text || ',"metadata":' || events.metadata::text || ',"masked":' || (${s.masked})::text
    || COALESCE(',"personalData":' || (${s.people})::text, '')
    || ',"prevHash":' || ${jsonString('events.prev_hash')} || ',"hash":' || ${jsonString('events.hash')} || '}' || E'\\n'`;
};

/**
 * A CSV cell as `csvCell` (libs/common/src/csv.ts) writes a text: '' for NULL; a leading = + - @ tab or CR neutralised
 * with a quote; quoted (quotes doubled) when it holds a quote, comma or line break.
 */
export const csvCellSql = (expr: string): string => {
  const neutral = `(CASE WHEN left(${expr}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${expr} ELSE ${expr} END)`;
  return `COALESCE(CASE WHEN ${neutral} ~ '[",\\r\\n]' THEN '"' || replace(${neutral}, '"', '""') || '"' ELSE ${neutral} END, '')`;
};
/** A JSON object cell: it starts with '{' (never a formula) and always holds quotes, so it is always quoted. */
const csvJsonSql = (expr: string) => `COALESCE('"' || replace((${expr})::text, '"', '""') || '"', '')`;

/** One CSV row (with its CRLF) in the order of `CSV_COLUMNS`. */
export const csvLineSql = (piiRead: boolean): string => {
  const s = shown(piiRead);
  const cells = [
    `events.global_position::text`,
    `events.transaction_id::text`,
    csvCellSql('events.stream_id'),
    `events.stream_version::text`,
    `events.event_id::text`,
    csvCellSql('events.type'),
    `events.schema_version::text`,
    RECORDED_AT_ISO,
    csvCellSql(`(events.metadata ->> 'regionCode')`),
    csvCellSql(`(CASE WHEN ${ACTOR_OK} THEN events.metadata #>> '{actor,kind}' END)`),
    csvCellSql(`(CASE WHEN ${ACTOR_OK} THEN events.metadata #>> '{actor,id}' END)`),
    ...['correlationId', 'causationId', 'sourceEventId'].map((k) => csvCellSql(`(CASE WHEN jsonb_typeof(events.metadata -> '${k}') = 'string' THEN events.metadata ->> '${k}' END)`)),
    `(${s.masked})::text`,
    csvJsonSql(s.data),
    csvJsonSql('events.metadata'),
    csvJsonSql(s.people),
    `events.prev_hash`,
    `events.hash`,
  ];
  return `${cells.join(` || ',' || `)} || E'\\r\\n'`;
};

/** The region column of an event as `events_region_commit_idx` indexes it. */
const REGION = `((events.metadata->>'regionCode') COLLATE "C")`;

/** What a search or export reads, validated; every value reaches SQL as a parameter. */
export interface EventFilter {
  /** Region prefixes; `undefined` for every event, an empty list for none. */
  regions: string[] | undefined;
  types?: string[];
  from?: Date;
  to?: Date;
  actor?: { kind?: EventActor['kind']; id: string };
  /** Only these streams (a project's, from `projectRef`). */
  streams?: string[];
}

/**
 * The conditions of `filter`, pushing their values onto `params`. A region and everything below it is one range of
 * the "C"-collated index, `[code, code || '/')`: region codes hold only digits and dots, and '/' follows '.'.
 */
export function eventFilterSql(filter: EventFilter, params: unknown[]): string[] {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filter.regions !== undefined) {
    where.push(
      filter.regions.length === 0
        ? 'FALSE'
        : `(${filter.regions.map((r) => `(${REGION} >= ${param(r)} AND ${REGION} < ${param(`${r}/`)})`).join(' OR ')})`,
    );
  }
  if (filter.types) where.push(`events.type = ANY(${param(filter.types)}::text[])`);
  if (filter.from) where.push(`events.recorded_at >= ${param(filter.from.toISOString())}::timestamptz`);
  if (filter.to) where.push(`events.recorded_at < ${param(filter.to.toISOString())}::timestamptz`);
  if (filter.actor) {
    where.push(`events.metadata #>> '{actor,id}' = ${param(filter.actor.id)}`);
    if (filter.actor.kind) where.push(`events.metadata #>> '{actor,kind}' = ${param(filter.actor.kind)}`);
  }
  if (filter.streams) where.push(`events.stream_id = ANY(${param(filter.streams)}::text[])`);
  return where;
}

/** `(transaction_id, global_position) > key`, the keyset of the commit order. */
export function afterSql(key: CommitKey, params: unknown[]): string {
  params.push(key.transactionId, key.position);
  return `(events.transaction_id, events.global_position) > ($${params.length - 1}::text::xid8, $${params.length}::bigint)`;
}

/**
 * The streams of everything that happened to these projects: their procurement and compliance streams, their
 * escalation cases and those cases' notifications. The case and notification rows are written in the same
 * transaction as the events that create them, so this list is never behind the log.
 */
export const RELATED_STREAMS_SQL = (projectIdsParam: string) => `
  SELECT ${projectStreamIdSql('p.id')} FROM unnest(${projectIdsParam}::uuid[]) AS p(id)
  UNION ALL SELECT ${complianceStreamIdSql('p.id')} FROM unnest(${projectIdsParam}::uuid[]) AS p(id)
  UNION ALL SELECT ${caseStreamIdSql('c.case_id')} FROM escalation_cases c WHERE c.project_id = ANY(${projectIdsParam}::uuid[])
  UNION ALL SELECT ${notificationStreamIdSql('n.id')} FROM notifications n
             WHERE n.case_id IN (SELECT c.case_id FROM escalation_cases c WHERE c.project_id = ANY(${projectIdsParam}::uuid[]))`;

/** The streams of the projects a source's project reference names (one per source system that used it). */
export async function streamsOfProjectRef(db: Pool | ClientBase, projectRef: string): Promise<string[]> {
  const { rows } = await db.query<{ stream_id: string }>(
    `WITH projects AS (
       SELECT array_agg(DISTINCT (data->>'projectId')::uuid) AS ids FROM events
        WHERE type = 'ProjectRegistered' AND data->>'projectRef' = $1
     )
     SELECT s.stream_id FROM projects, LATERAL (${RELATED_STREAMS_SQL('projects.ids')}) AS s(stream_id)
      WHERE projects.ids IS NOT NULL`,
    [projectRef],
  );
  return rows.map((r) => r.stream_id);
}

/**
 * `sql` with its `$n` placeholders replaced by literals, for statements that take no parameters (COPY). Only the
 * values this module's builders push reach here: strings, and arrays of strings.
 */
export function inlineParams(sql: string, params: readonly unknown[], db: Pick<ClientBase, 'escapeLiteral'>): string {
  const literal = (value: unknown): string => {
    if (typeof value === 'string') return db.escapeLiteral(value);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `ARRAY[${value.map(literal).join(', ')}]::text[]`;
    throw new Error(`cannot inline a parameter of type ${typeof value}`);
  };
  return sql.replace(/\$(\d+)/g, (_match, n: string) => literal(params[Number(n) - 1]));
}
