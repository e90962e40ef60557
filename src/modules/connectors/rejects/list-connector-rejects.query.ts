import type { Principal } from '@sinergi/auth';

export type RejectStatusFilter = 'open' | 'resolved' | 'all';

/** Rows a pull connector could not turn into events, or whose events the ingest refused; in the admin's regions. */
export class ListConnectorRejectsQuery {
  constructor(
    readonly principal: Principal,
    readonly limit: number,
    readonly filters: { connector: string | null; endpoint: string | null; status: RejectStatusFilter },
  ) {}
}

export interface ConnectorRejectView {
  id: string;
  connector: string;
  endpoint: string;
  fiscalYear: number;
  /** The row's identity: the event id it maps to, or `unidentified-<digest>` when it has no tender code. */
  rowKey: string;
  /** The tender (or `nt-` non-tender) code, when the row has one. */
  sourceRef: string | null;
  eventId: string | null;
  /** UNMAPPABLE: the row could not become an event; REFUSED: the ingest refused its event. */
  kind: 'UNMAPPABLE' | 'REFUSED';
  reason: string;
  /** The ingest's HTTP status for a refusal. */
  status: number | null;
  errors: { path: string; code: string }[];
  regionCode: string;
  timesSeen: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}
