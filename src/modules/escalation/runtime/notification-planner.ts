import type { Position } from '@sinergi/auth';
import { type EventStore, loadStreams, type RecordedOf } from '@sinergi/event-store';
import type { PoolClient } from 'pg';
import { constructionProjectModel } from '../../project-intake/construction-project.decider';
import { type ProjectRegisteredData, projectStreamId } from '../../project-intake/construction-project.events';
import type { EscalationCaseState } from '../case-decider/escalation-case.decider';
import type { EscalationCaseEvent } from '../case-decider/escalation-case.events';
import { OfficialsRepository, type Recipient } from '../directory/officials.repository';
import { notificationIdFor } from '../escalation.queues';
import { indonesianMobile } from '../notification/whatsapp/whatsapp-phone';

type Channel = 'EMAIL' | 'WEBHOOK' | 'INBOX' | 'WHATSAPP';
type RecipientKind = 'OFFICIAL' | 'CONTRACTOR' | 'PPK' | 'CLIENT';
type Kind = 'CASE_ESCALATED' | 'PAYMENT_HOLD_RECOMMENDED' | 'PAYMENT_HOLD_LIFTED' | 'PAYMENT_REQUEST_CLEARED';

/** One delivery to create: a row of `notifications`. Addresses are not here: the delivery reads them when it runs. */
export interface PlannedNotification {
  id: string;
  kind: Kind;
  channel: Channel;
  projectId: string;
  /** null only for PAYMENT_REQUEST_CLEARED: a compliant verdict answers a waiting termin without any case. */
  caseId: string | null;
  level: number | null;
  regionCode: string;
  agencyCode: string;
  recipientKind: RecipientKind;
  recipientId: string;
  position: Position | null;
  causeEventId: string;
  causePosition: string;
}


/**
 * Decides who hears of each new ladder level and payment hold, as rows of `notifications` with deterministic ids
 * (inserted with ON CONFLICT DO NOTHING), so a replayed batch or a redelivered event adds no second delivery.
 * - CONTRACTOR: e-mail to the contractor's address on the registration; WhatsApp too when the registration's phone
 *   is a mobile number and the event said the contractor opted in.
 * - PPK: e-mail to the project's own PPK (personal data, from the contract); webhook, WhatsApp and inbox to the
 *   agency's PPK in the directory.
 * - Any other position: each official of the directory holding it for the region (heads of agency by agency):
 *   WhatsApp when they opted in with a number (and the channel is on), else e-mail when they have an address (an
 *   unread WhatsApp message is e-mailed later by the read fallback), webhook when they have one, and the inbox; a
 *   position nobody holds in the directory still gets an inbox item addressed to the position, so whoever signs in
 *   with it sees the case.
 * - Payment holds: a signed webhook to the procurement client that posted the project, when it registered one.
 * Levels of a case that has already ended by the time the relay reads them are not notified.
 */
export class NotificationPlanner {
  private readonly directory = new Map<string, Promise<Recipient[]>>();

  constructor(
    private readonly store: EventStore,
    private readonly officials: OfficialsRepository,
    private readonly tx: PoolClient,
    /** `whatsapp`: the WhatsApp channel is configured (WHATSAPP_API_URL), so opted-in recipients get it. */
    private readonly options: { whatsapp: boolean } = { whatsapp: false },
  ) {}

  /** The trace each planned notification continues (its cause event's `traceparent`), by notification id. */
  readonly traceparents = new Map<string, string>();

  /** Plans and inserts the rows; returns the ids of rows that are new. */
  async plan(events: readonly RecordedOf<EscalationCaseEvent>[], states: Map<string, EscalationCaseState>): Promise<string[]> {
    const relevant = events.filter(
      (e) =>
        (e.type === 'EscalationLevelReached' && states.get(e.data.caseId)?.status === 'OPEN') ||
        e.type === 'PaymentHoldRecommended' ||
        e.type === 'PaymentHoldLifted',
    );
    if (relevant.length === 0) return [];
    const projectIds = [...new Set(relevant.map((e) => states.get(e.data.caseId)?.projectId).filter((id): id is string => !!id))];
    const registrations = await this.registrations(projectIds);
    const clients = await this.clientWebhooks(projectIds);

    const planned: PlannedNotification[] = [];
    for (const event of relevant) {
      const state = states.get(event.data.caseId);
      if (!state?.projectId || !state.regionCode || !state.agencyCode) continue;
      const base = {
        projectId: state.projectId,
        caseId: state.caseId!,
        regionCode: state.regionCode,
        agencyCode: state.agencyCode,
        causeEventId: event.eventId,
        causePosition: event.globalPosition,
      };
      if (event.type === 'EscalationLevelReached') {
        const level = event.data.level;
        const add = (channel: Channel, recipientKind: RecipientKind, recipientId: string, position: Position | null) =>
          planned.push({
            ...base,
            id: notificationIdFor({ caseId: base.caseId, cause: `level-${level}`, channel, recipientKind, recipientId }),
            kind: 'CASE_ESCALATED',
            channel,
            level,
            recipientKind,
            recipientId,
            position,
          });
        const registration = registrations.get(state.projectId);
        for (const position of event.data.recipients) {
          if (position === 'CONTRACTOR') {
            if (registration) add('EMAIL', 'CONTRACTOR', registration.contractor.npwp, position);
            if (registration && this.options.whatsapp && registration.contractor.whatsappOptIn === true && indonesianMobile(registration.contractor.phone)) {
              add('WHATSAPP', 'CONTRACTOR', registration.contractor.npwp, position);
            }
            continue;
          }
          // The contract names its own PPK: e-mail goes there; the agency's PPK in the directory gets webhook and inbox.
          const ownPpk = position === 'PPK' && registration !== undefined;
          if (ownPpk) add('EMAIL', 'PPK', registration.ppk.ref, position);
          let officials = await this.recipients(state.regionCode, position, state.agencyCode);
          if (position === 'PPK') officials = officials.filter((o) => o.agencyCode === null || o.agencyCode === state.agencyCode);
          if (officials.length === 0) add('INBOX', 'OFFICIAL', `position:${position}`, position);
          for (const official of officials) {
            const whatsapp = this.options.whatsapp && official.whatsappOptIn;
            if (whatsapp) add('WHATSAPP', 'OFFICIAL', official.officialId, position);
            if (official.email && !ownPpk && !whatsapp) add('EMAIL', 'OFFICIAL', official.officialId, position);
            if (official.webhook) add('WEBHOOK', 'OFFICIAL', official.officialId, position);
            add('INBOX', 'OFFICIAL', official.officialId, position);
          }
        }
      } else if (event.type === 'PaymentHoldRecommended' || event.type === 'PaymentHoldLifted') {
        const clientId = clients.get(state.projectId);
        if (!clientId) continue;
        const kind: Kind = event.type === 'PaymentHoldRecommended' ? 'PAYMENT_HOLD_RECOMMENDED' : 'PAYMENT_HOLD_LIFTED';
        planned.push({
          ...base,
          id: notificationIdFor({ caseId: base.caseId, cause: `hold-${event.eventId}`, channel: 'WEBHOOK', recipientKind: 'CLIENT', recipientId: clientId }),
          kind,
          channel: 'WEBHOOK',
          level: null,
          recipientKind: 'CLIENT',
          recipientId: clientId,
          position: null,
        });
      }
    }
    const causes = new Map(relevant.map((e) => [e.eventId, e.metadata.traceparent]));
    for (const p of planned) {
      const traceparent = causes.get(p.causeEventId);
      if (typeof traceparent === 'string') this.traceparents.set(p.id, traceparent);
    }
    return this.insert(planned);
  }

  /**
   * Termins requested before any verdict whose verdict came compliant: the client that posted the project is told
   * it need not hold them (its webhook, when it has one). Inserted once per termin and verdict.
   */
  async planCleared(
    cleared: readonly { projectId: string; regionCode: string; agencyCode: string; terminNumber: number; causeEventId: string; causePosition: string }[],
  ): Promise<string[]> {
    if (cleared.length === 0) return [];
    const clients = await this.clientWebhooks([...new Set(cleared.map((c) => c.projectId))]);
    const planned: PlannedNotification[] = [];
    for (const c of cleared) {
      const clientId = clients.get(c.projectId);
      if (!clientId) continue;
      planned.push({
        id: notificationIdFor({ caseId: `project-${c.projectId}`, cause: `cleared-${c.terminNumber}-${c.causeEventId}`, channel: 'WEBHOOK', recipientKind: 'CLIENT', recipientId: clientId }),
        kind: 'PAYMENT_REQUEST_CLEARED',
        channel: 'WEBHOOK',
        projectId: c.projectId,
        caseId: null,
        level: null,
        regionCode: c.regionCode,
        agencyCode: c.agencyCode,
        recipientKind: 'CLIENT',
        recipientId: clientId,
        position: null,
        causeEventId: c.causeEventId,
        causePosition: c.causePosition,
      });
    }
    return this.insert(planned);
  }

  private recipients(regionCode: string, position: Position, agencyCode: string): Promise<Recipient[]> {
    const key = `${regionCode}|${position}|${position === 'KEPALA_DINAS' ? agencyCode : ''}`;
    let found = this.directory.get(key);
    if (!found) {
      found = this.officials.recipientsFor(regionCode, [position], agencyCode);
      this.directory.set(key, found);
    }
    return found;
  }

  private async registrations(projectIds: string[]): Promise<Map<string, ProjectRegisteredData>> {
    const out = new Map<string, ProjectRegisteredData>();
    if (projectIds.length === 0) return out;
    const streams = await loadStreams(this.store, constructionProjectModel, projectIds.map(projectStreamId), this.tx);
    for (const id of projectIds) {
      const registration = streams.get(projectStreamId(id))!.state.registration;
      if (registration) out.set(id, registration);
    }
    return out;
  }

  /** The client that posted each project, when that client has a webhook to receive payment holds. */
  private async clientWebhooks(projectIds: string[]): Promise<Map<string, string>> {
    const { rows } = await this.tx.query<{ project_id: string; client_id: string }>(
      `SELECT p.project_id, c.id AS client_id FROM escalation_projects p
         JOIN procurement_clients c ON c.id = p.source_client_id
        WHERE p.project_id = ANY($1::uuid[]) AND c.webhook_url IS NOT NULL`,
      [projectIds],
    );
    return new Map(rows.map((r) => [r.project_id, r.client_id]));
  }

  private async insert(planned: PlannedNotification[]): Promise<string[]> {
    if (planned.length === 0) return [];
    const unique = [...new Map(planned.map((p) => [p.id, p])).values()];
    const { rows } = await this.tx.query<{ id: string }>(
      `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id,
              position, cause_event_id, cause_position)
       SELECT r.id, r.kind, r.channel, r.project_id, r.case_id, r.level, r.region_code, r.agency_code, r.recipient_kind, r.recipient_id,
              r.position, r.cause_event_id, r.cause_position
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, kind text, channel text, project_id uuid, case_id uuid, level int, region_code text,
              agency_code text, recipient_kind text, recipient_id text, position text, cause_event_id uuid, cause_position bigint)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        JSON.stringify(
          unique.map((p) => ({
            id: p.id,
            kind: p.kind,
            channel: p.channel,
            project_id: p.projectId,
            case_id: p.caseId,
            level: p.level,
            region_code: p.regionCode,
            agency_code: p.agencyCode,
            recipient_kind: p.recipientKind,
            recipient_id: p.recipientId,
            position: p.position,
            cause_event_id: p.causeEventId,
            cause_position: p.causePosition,
          })),
        ),
      ],
    );
    return rows.map((r) => r.id);
  }
}
