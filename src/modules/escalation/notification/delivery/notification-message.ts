import type { RecordedOf } from '@sinergi/event-store';
import type { ConstructionProjectState } from '../../../project-intake/construction-project.decider';
import type { ComplianceState } from '../../../verification/compliance/compliance.decider';
import type { EscalationCaseState } from '../../case-decider/escalation-case.decider';
import type { EscalationCaseEvent } from '../../case-decider/escalation-case.events';
import { POSITIONS } from '@sinergi/auth';
import {
  caseEscalatedMessage,
  type OfficialPosition,
  paymentHoldLiftedMessage,
  paymentHoldRecommendedMessage,
  paymentRequestClearedMessage,
} from '../message-templates';
import type { NotificationChannelKind, NotificationRecipientKind } from '../notification.events';
import type { NotificationKind, NotificationMessage } from '../notification.types';
import { NotificationUndeliverableError } from './notification-undeliverable.error';
import { regionAncestry } from '@sinergi/domain';

/** One row of `notifications`, as the delivery reads it. */
export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  channel: NotificationChannelKind;
  projectId: string;
  /** null only for PAYMENT_REQUEST_CLEARED, which belongs to no case. */
  caseId: string | null;
  level: number | null;
  regionCode: string;
  agencyCode: string;
  recipientKind: NotificationRecipientKind;
  recipientId: string;
  position: string | null;
  causeEventId: string;
  /** SENT and READ: WhatsApp only (what WhatsApp reported of the accepted message). */
  status: 'PENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';
  attempts: number;
}

/** What a message is built from, all read from PostgreSQL when the delivery runs. */
export interface MessageSources {
  project: ConstructionProjectState;
  compliance: ComplianceState;
  escalationCase: EscalationCaseState;
  /** The case stream as stored: the notification's cause and its level's own event are found here. */
  caseEvents: readonly RecordedOf<EscalationCaseEvent>[];
  /** e.g. "Kecamatan Bulupoddo, Kabupaten Sinjai". */
  regionName: string;
  publicBaseUrl: string;
  /**
   * The contract's own PPK by name, read from `personal_data` for this one message (e-mail and webhook copies only:
   * an inbox item is stored, so it names no one). Absent or null: the message says "PPK proyek ini".
   */
  ppkName?: string | null;
  /** Mints the signed single-case link of the contractor's and the contract PPK's copies (see console/case-link). */
  caseLink?: (caseId: string, role: 'CONTRACTOR' | 'PPK') => { url: string; expiresAt: string };
}

export interface RegionRow {
  code: string;
  name: string;
  level: string;
}

/** Where an official opens the case: its page in the console. */
export const caseUrlFor = (publicBaseUrl: string, caseId: string) => `${publicBaseUrl.replace(/\/+$/, '')}/console/cases/${encodeURIComponent(caseId)}`;

/** The project's page in the console. */
export const projectUrlFor = (publicBaseUrl: string, projectId: string) =>
  `${publicBaseUrl.replace(/\/+$/, '')}/console/projects/${encodeURIComponent(projectId)}`;

/** The ladder position a copy is for: its row's position, or the contractor's by its kind. */
function recipientPosition(row: NotificationRow): OfficialPosition | null {
  if (row.position && (POSITIONS as readonly string[]).includes(row.position)) return row.position as OfficialPosition;
  return row.recipientKind === 'CONTRACTOR' ? 'CONTRACTOR' : row.recipientKind === 'PPK' ? 'PPK' : null;
}

/**
 * The region as people name it, from the region itself up to the regency ("Kecamatan Bulupoddo, Kabupaten Sinjai");
 * the province adds nothing for a regional government's own officials. Falls back to the code.
 */
export function regionLabel(regionCode: string, regionAndAncestors: readonly RegionRow[]): string {
  const byCode = new Map(regionAndAncestors.map((r) => [r.code, r]));
  const parts: string[] = [];
  for (const code of regionAncestry(regionCode).reverse()) {
    const region = byCode.get(code);
    if (!region || region.level === 'province') continue;
    parts.push(region.level === 'district' ? `Kecamatan ${region.name}` : region.name);
  }
  return parts.length ? parts.join(', ') : regionCode;
}

/**
 * The Bahasa Indonesia message for one notification row: a ladder level reached (CASE_ESCALATED) or a payment hold
 * recommended or lifted. Figures are today's (the premium after any addendum, what BPJS last said was paid); the
 * level's own wait and the termin come from the case event that caused the notification.
 */
export function composeNotificationMessage(row: NotificationRow, sources: MessageSources): NotificationMessage {
  const registration = sources.project.registration;
  if (registration === null) throw new NotificationUndeliverableError('message_unavailable', 'the project has no registration on record');
  if (row.kind === 'PAYMENT_REQUEST_CLEARED') {
    // The verdict that answered a waiting termin: no case, and the client is told the payment need not wait.
    return paymentRequestClearedMessage({
      projectId: row.projectId,
      projectRef: registration.projectRef,
      projectName: registration.name,
      terminNumber: sources.project.termins.length ? sources.project.termins[sources.project.termins.length - 1] : null,
      complianceStatus: sources.compliance.status,
      projectUrl: projectUrlFor(sources.publicBaseUrl, row.projectId),
    });
  }
  if (row.caseId === null || sources.escalationCase.status === 'NOT_OPENED') {
    throw new NotificationUndeliverableError('message_unavailable', 'the case is not on record');
  }
  const caseUrl = caseUrlFor(sources.publicBaseUrl, row.caseId);
  const cause = sources.caseEvents.find((e) => e.eventId === row.causeEventId);

  switch (row.kind) {
    case 'CASE_ESCALATED': {
      const state = sources.escalationCase;
      const level = row.level ?? state.currentLevel ?? 0;
      const reached = sources.caseEvents.find((e) => e.type === 'EscalationLevelReached' && e.data.level === level);
      const nextEscalationAt = reached?.type === 'EscalationLevelReached' ? reached.data.nextEscalationAt : null;
      const next = state.ladder?.levels[level + 1];
      const position = recipientPosition(row);
      // The contractor and the contract's own PPK have no account: their copy carries a signed link to this case only.
      const linkRole = row.recipientKind === 'CONTRACTOR' ? 'CONTRACTOR' : row.recipientKind === 'PPK' ? 'PPK' : null;
      const link = linkRole && sources.caseLink ? sources.caseLink(row.caseId, linkRole) : null;
      return caseEscalatedMessage({
        caseId: row.caseId,
        projectId: row.projectId,
        projectName: registration.name,
        projectRef: registration.projectRef,
        regionName: sources.regionName,
        contractorName: registration.contractor.name,
        contractorNpwp: registration.contractor.npwp,
        agencyName: registration.agency.name,
        level,
        reasons: state.reasons,
        premiumDue: sources.project.premium?.total ?? registration.premium.total,
        premiumPaid: sources.compliance.enrolment?.premiumPaid ?? '0',
        registrationDeadline: registration.registrationDeadline,
        nextEscalationAt,
        ...(next ? { nextRecipientPositions: next.recipients } : {}),
        caseUrl: link?.url ?? caseUrl,
        ...(position ? { recipient: { position, ppkName: sources.ppkName ?? null, linkExpiresAt: link?.expiresAt ?? null } } : {}),
      });
    }
    case 'PAYMENT_HOLD_RECOMMENDED': {
      const hold = cause?.type === 'PaymentHoldRecommended' ? cause.data : null;
      return paymentHoldRecommendedMessage({
        projectId: row.projectId,
        projectRef: registration.projectRef,
        projectName: registration.name,
        terminNumber: hold?.terminNumber ?? null,
        complianceStatus: sources.compliance.status,
        reasons: hold?.reasons ?? sources.escalationCase.reasons,
        caseId: row.caseId,
        caseUrl,
      });
    }
    case 'PAYMENT_HOLD_LIFTED': {
      const lift = cause?.type === 'PaymentHoldLifted' ? cause.data : null;
      return paymentHoldLiftedMessage({
        projectId: row.projectId,
        projectRef: registration.projectRef,
        projectName: registration.name,
        // Several termins lifted at once read as "pembayaran" (the payments) rather than naming one.
        terminNumber: lift?.terminNumbers.length === 1 ? lift.terminNumbers[0] : null,
        complianceStatus: sources.compliance.status,
        reasons: [],
        caseId: row.caseId,
        caseUrl,
        ...(lift ? { liftReason: lift.reason } : {}),
      });
    }
    default: {
      const unexpected: never = row.kind;
      throw new NotificationUndeliverableError('message_unavailable', `unknown notification kind ${String(unexpected)}`);
    }
  }
}
