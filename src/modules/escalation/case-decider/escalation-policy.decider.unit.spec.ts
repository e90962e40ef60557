import { DeciderSpecification } from '@sinergi/testing/decider-specification';
import type { ComplianceReason, ComplianceStatus } from '../../verification/compliance/compliance.events';
import { caseIdFor } from '../escalation.queues';
import { DEFAULT_SINJAI_LADDER } from '../ladder/escalation-ladder';
import {
  decideEscalation,
  type EscalationFact,
  type EscalationPolicyEvent,
  evolveEscalation,
  initialPolicyState,
  type PolicyCaseCommand,
  toCaseCommand,
} from './escalation-policy.decider';

const PROJECT_ID = '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307';
const CASE_1 = caseIdFor(PROJECT_ID, 1);
const CASE_2 = caseIdFor(PROJECT_ID, 2);

const spec = DeciderSpecification.for({ decide: decideEscalation, evolve: evolveEscalation, initialState: initialPolicyState });

const registered: EscalationFact = { type: 'ProjectRegistered', projectId: PROJECT_ID, regionCode: '73.07.06', agencyCode: '1.03.0.00.0.00.01.0000', sourceClientId: 'spse-7307' };
const verdict = (to: ComplianceStatus, reasons: ComplianceReason[] = []): EscalationFact => ({ type: 'ComplianceStatusChanged', to, reasons });
const paymentRequested = (terminNumber: number): EscalationFact => ({ type: 'PaymentRequested', terminNumber });
const cancelled: EscalationFact = { type: 'ProjectCancelled' };

const tracked: EscalationPolicyEvent = {
  type: 'ProjectTracked',
  data: { projectId: PROJECT_ID, regionCode: '73.07.06', agencyCode: '1.03.0.00.0.00.01.0000', sourceClientId: 'spse-7307' },
};
const noted = (status: ComplianceStatus, reasons: ComplianceReason[] = []): EscalationPolicyEvent => ({ type: 'VerdictNoted', data: { status, reasons } });
const issued = (caseId: string, command: PolicyCaseCommand): EscalationPolicyEvent => ({ type: 'CaseCommandIssued', data: { caseId, command } });
const openCase = (reasons: ComplianceReason[]): PolicyCaseCommand => ({ type: 'OpenCase', projectId: PROJECT_ID, regionCode: '73.07.06', agencyCode: '1.03.0.00.0.00.01.0000', reasons });
const hold = (terminNumber: number): PolicyCaseCommand => ({ type: 'RecommendPaymentHold', terminNumber });
const deferred = (terminNumber: number): EscalationPolicyEvent => ({ type: 'PaymentHoldDeferred', data: { terminNumber } });
const dropped = (terminNumber: number): EscalationPolicyEvent => ({ type: 'DeferredHoldDropped', data: { terminNumber } });
const cancellationNoted: EscalationPolicyEvent = { type: 'CancellationNoted', data: {} };

const MISSING: ComplianceReason[] = ['ENROLMENT_MISSING'];
const SHORTFALL: ComplianceReason[] = ['PREMIUM_SHORTFALL'];

/** A registered project whose first case is open for a missing enrolment. */
const withOpenCase = [tracked, noted('NON_COMPLIANT', MISSING), issued(CASE_1, openCase(MISSING))];

describe('escalation policy', () => {
  describe('registration', () => {
    it('starts following a project when its registration is seen', () => {
      spec.given([]).when(registered).then([tracked]);
    });

    it('changes nothing when the registration is seen again', () => {
      spec.given([tracked]).when(registered).thenNothingHappened();
    });

    it.each([verdict('NON_COMPLIANT', MISSING), paymentRequested(1), cancelled])('ignores a fact about a project whose registration it never saw (%o)', (fact) => {
      spec.given([]).when(fact).thenNothingHappened();
    });
  });

  describe('opening', () => {
    it('opens the project’s first case on the first NON_COMPLIANT verdict', () => {
      spec.given([tracked]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING), issued(CASE_1, openCase(MISSING))]);
    });

    it('opens a second case when the project relapses after its first was resolved', () => {
      spec
        .given([...withOpenCase, noted('COMPLIANT'), issued(CASE_1, { type: 'ResolveCase' })])
        .when(verdict('NON_COMPLIANT', SHORTFALL))
        .then([noted('NON_COMPLIANT', SHORTFALL), issued(CASE_2, openCase(SHORTFALL))]);
    });

    it('opens no case for a cancelled project, but notes the verdict', () => {
      spec.given([tracked, cancellationNoted]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING)]);
    });
  });

  describe('updating', () => {
    it('updates the open case’s reasons on a later NON_COMPLIANT verdict instead of opening another', () => {
      spec.given(withOpenCase).when(verdict('NON_COMPLIANT', SHORTFALL)).then([noted('NON_COMPLIANT', SHORTFALL), issued(CASE_1, { type: 'UpdateCaseReasons', reasons: SHORTFALL })]);
    });

    it('sends the same reasons again when the same verdict is redelivered (the case decider drops the repeat)', () => {
      spec.given(withOpenCase).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING), issued(CASE_1, { type: 'UpdateCaseReasons', reasons: MISSING })]);
    });
  });

  describe('resolving', () => {
    it('resolves the open case when the project becomes COMPLIANT', () => {
      spec.given(withOpenCase).when(verdict('COMPLIANT')).then([noted('COMPLIANT'), issued(CASE_1, { type: 'ResolveCase' })]);
    });

    it('only notes a COMPLIANT verdict when no case is open', () => {
      spec.given([tracked]).when(verdict('COMPLIANT')).then([noted('COMPLIANT')]);
    });

    it.each<ComplianceStatus>(['PENDING', 'UNVERIFIABLE'])('leaves the open case alone on a %s verdict', (status) => {
      spec.given(withOpenCase).when(verdict(status)).then([noted(status)]);
    });
  });

  describe('closing', () => {
    it('closes the open case when the project is cancelled', () => {
      spec.given(withOpenCase).when(cancelled).then([cancellationNoted, issued(CASE_1, { type: 'CloseCase' })]);
    });

    it('closes nothing when a project without an open case is cancelled', () => {
      spec.given([tracked]).when(cancelled).then([cancellationNoted]);
    });

    it('sends nothing to the closed case on a verdict after cancellation', () => {
      spec.given([...withOpenCase, cancellationNoted, issued(CASE_1, { type: 'CloseCase' })]).when(verdict('COMPLIANT')).then([noted('COMPLIANT')]);
    });
  });

  describe('payment holds', () => {
    it('recommends a hold on the open case when a termin is requested', () => {
      spec.given(withOpenCase).when(paymentRequested(2)).then([issued(CASE_1, hold(2))]);
    });

    it('defers the termin to the next verdict when no case is open', () => {
      spec.given([tracked]).when(paymentRequested(1)).then([deferred(1)]);
    });

    it('holds the deferred termin on the case the next NON_COMPLIANT verdict opens', () => {
      spec.given([tracked, deferred(1)]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING), issued(CASE_1, openCase(MISSING)), issued(CASE_1, hold(1))]);
    });

    it('holds only the latest termin when several were requested before the verdict', () => {
      spec.given([tracked, deferred(1), deferred(2)]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING), issued(CASE_1, openCase(MISSING)), issued(CASE_1, hold(2))]);
    });

    it('drops the deferred termin when the next verdict is COMPLIANT', () => {
      spec.given([tracked, deferred(1)]).when(verdict('COMPLIANT')).then([noted('COMPLIANT'), dropped(1)]);
    });

    it('does not hold a dropped termin when the project later turns NON_COMPLIANT', () => {
      spec.given([tracked, deferred(1), noted('COMPLIANT'), dropped(1)]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING), issued(CASE_1, openCase(MISSING))]);
    });

    it('keeps the termin waiting through a PENDING or UNVERIFIABLE verdict', () => {
      spec.given([tracked, deferred(3), noted('UNVERIFIABLE')]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING), issued(CASE_1, openCase(MISSING)), issued(CASE_1, hold(3))]);
    });

    it('holds a termin requested after its case opened only once, not again on the next verdict', () => {
      spec.given([...withOpenCase, issued(CASE_1, hold(2))]).when(verdict('NON_COMPLIANT', SHORTFALL)).then([noted('NON_COMPLIANT', SHORTFALL), issued(CASE_1, { type: 'UpdateCaseReasons', reasons: SHORTFALL })]);
    });

    it('neither holds nor defers a termin of a cancelled project', () => {
      spec.given([tracked, cancellationNoted]).when(paymentRequested(2)).thenNothingHappened();
    });

    it('forgets a deferred termin when the project is cancelled', () => {
      spec.given([tracked, deferred(1), cancellationNoted]).when(verdict('NON_COMPLIANT', MISSING)).then([noted('NON_COMPLIANT', MISSING)]);
    });
  });

  describe('the case commands it issues', () => {
    const NOW = '2025-06-02T09:00:00+08:00';

    it('opens a case on the ladder it is given, at now', () => {
      expect(toCaseCommand({ caseId: CASE_1, command: openCase(MISSING) }, NOW, DEFAULT_SINJAI_LADDER)).toEqual({
        type: 'OpenCase',
        caseId: CASE_1,
        projectId: PROJECT_ID,
        regionCode: '73.07.06',
        agencyCode: '1.03.0.00.0.00.01.0000',
        reasons: MISSING,
        ladder: DEFAULT_SINJAI_LADDER,
        now: NOW,
      });
    });

    it('sends the other commands as they are, at now', () => {
      expect(toCaseCommand({ caseId: CASE_1, command: hold(2) }, NOW, null)).toEqual({ type: 'RecommendPaymentHold', terminNumber: 2, now: NOW });
    });

    it('refuses to open a case without a ladder', () => {
      expect(() => toCaseCommand({ caseId: CASE_1, command: openCase(MISSING) }, NOW, null)).toThrow(/needs its region's ladder/);
    });
  });
});
