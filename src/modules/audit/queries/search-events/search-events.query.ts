import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import { type EventPage } from './search-events.handler';
import type { EventFilter } from '../../audit-events.sql';
import {
  actorParam,
  type CommitKey,
  cursorParam,
  limitParam,
  onlyParams,
  projectRefParam,
  regionPrefixes,
  singleParam,
  timeRange,
  typesParam,
} from '../../audit-query';

export const SEARCH_PARAMS = ['regionCode', 'type', 'from', 'to', 'actor', 'projectRef', 'cursor', 'limit'] as const;

/** `GET /v1/audit/events`, validated: the filter within the reader's regions, where the page starts, how long it is. */
export interface SearchEventsParams {
  reader: Principal;
  filter: EventFilter;
  projectRef?: string;
  after: CommitKey | null;
  limit: number;
  /** The filters as the caller gave them, for the access log. */
  echo: Record<string, string>;
}

/** Reads the query string; a bad or unknown parameter is a 400 naming it, a region outside the scope is a 404. */
export function parseSearchEventsQuery(reader: Principal, query: Record<string, unknown>): SearchEventsParams {
  onlyParams(query, SEARCH_PARAMS);
  const regionCode = singleParam(query, 'regionCode');
  const regions = regionPrefixes(reader, regionCode);
  const { from, to } = timeRange(query);
  const projectRef = projectRefParam(query);
  const echo: Record<string, string> = {};
  for (const name of SEARCH_PARAMS) {
    const value = query[name];
    if (typeof value === 'string' && name !== 'cursor') echo[name] = value;
  }
  return {
    reader,
    filter: { regions, types: typesParam(query), from, to, actor: actorParam(query) },
    projectRef,
    after: cursorParam(query),
    limit: limitParam(query),
    echo,
  };
}

/** `GET /v1/audit/events` as the caller asked it: parsed (and a refusal recorded) by the handler. */
export class SearchEventsQuery extends Query<EventPage> {
  constructor(
    readonly reader: Principal,
    readonly query: Record<string, unknown>,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
