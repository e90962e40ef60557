import { DomainError, SecretBox } from '@sinergi/common';
import { defaultHolidayCalendar } from '@sinergi/domain';
import { TEST_SECRETS_KEY } from '@sinergi/testing';
import fc from 'fast-check';
import { normaliseProcurementEvent } from '../../src/modules/project-intake/commands/record-procurement-event/normalise-procurement-event';
import { validateProcurementEvent } from '../../src/modules/project-intake/commands/record-procurement-event/validate-procurement-event';
import { POSITIONS } from '@sinergi/auth/principal';
import { decideCase, type EscalationCaseCommand, type EscalationCaseState, evolveCase, initialCaseState } from '../../src/modules/escalation/case-decider/escalation-case.decider';
import { DEFAULT_SINJAI_LADDER } from '../../src/modules/escalation/ladder/escalation-ladder';
import { type ConstructionProjectState, decide, type DecisionContext, evolve, initialState } from '../../src/modules/project-intake/construction-project.decider';
import { dotted, EVENT_TYPES, garbage, mutatedEvent, REQUIRED_DATA, validEvent, withValueAt } from './procurement-arbitraries';

// Reproducible: a failure prints its seed and path; FC_SEED=<seed> runs the same cases again.
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'hex'));
const calendar = defaultHolidayCalendar('73.07');
const ctx = (occurredAt: string): DecisionContext => ({ projectId: '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307', projectRef: 'FUZZ-1', occurredAt, calendar, registrationWorkingDays: 14 });
/** A registered project, to decide accepted facts against. */
const registeredState = (() => {
  const registration = validateProcurementEvent({ eventId: 'r-1', type: 'ProjectRegistered', occurredAt: '2025-04-23T08:00:00+08:00', projectRef: 'FUZZ-1', data: fc.sample(validEvent('ProjectRegistered'), { numRuns: 1, seed: 1 })[0].data });
  if (!registration.ok) throw new Error(`the sample registration is not valid: ${JSON.stringify(registration.errors)}`);
  const { fact } = normaliseProcurementEvent(registration.value, box);
  return decide(fact, initialState(), ctx(registration.value.occurredAt)).reduce(evolve, initialState());
})();
const stable = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** A refusal as the API answers it: at least one error, each with a path, a code and a message. */
function expectWellFormedRefusal(errors: { path: unknown; code: unknown; message: unknown }[]) {
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.code).toBe('string');
    expect((e.code as string).length).toBeGreaterThan(0);
    expect(typeof e.message).toBe('string');
  }
}

describe('procurement event validation (the pipeline the ingest controller runs), property-based', () => {
  it('accepts every valid event of every type', () => {
    fc.assert(
      fc.property(validEvent(), (event) => {
        const outcome = validateProcurementEvent(event);
        expect(outcome.ok ? [] : outcome.errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('answers an event with one field mutated without throwing: accepted, or refused with paths, codes and messages that never echo the value', () => {
    fc.assert(
      fc.property(mutatedEvent(), ({ event, value }) => {
        const outcome = validateProcurementEvent(event);
        if (outcome.ok) return;
        expectWellFormedRefusal(outcome.errors);
        if (typeof value === 'string' && value.length >= 8) for (const e of outcome.errors) expect(e.message).not.toContain(value);
      }),
      { numRuns: 500 },
    );
  });

  it('normalises every mutated event it accepts, and the decider answers it with events or a DomainError', () => {
    fc.assert(
      fc.property(mutatedEvent(), ({ event }) => {
        const outcome = validateProcurementEvent(event);
        if (!outcome.ok) return;
        const { fact } = normaliseProcurementEvent(outcome.value, box);
        for (const state of [initialState(), registeredState]) {
          try {
            decide(fact, state, ctx(outcome.value.occurredAt));
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
          }
        }
      }),
      { numRuns: 800 },
    );
  });

  it('refuses an event missing a required field, naming that field', () => {
    const envelope = ['eventId', 'type', 'occurredAt', 'projectRef', 'data'];
    const missing = validEvent().chain((event) =>
      fc.record({ event: fc.constant(event), path: fc.constantFrom<(string | number)[]>(...envelope.map((k) => [k]), ...REQUIRED_DATA[event.type].map((k) => ['data', k])) }),
    );
    fc.assert(
      fc.property(missing, ({ event, path }) => {
        const outcome = validateProcurementEvent(withValueAt(event, path, undefined, true));
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.errors.map((e) => e.path)).toContain(dotted(path));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses garbage with well-formed errors, never by throwing', () => {
    fc.assert(
      fc.property(garbage, (input) => {
        const outcome = validateProcurementEvent(input);
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expectWellFormedRefusal(outcome.errors);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the construction project decider under generated histories, property-based', () => {
  /** The invariants every state the decider reaches must hold. */
  function expectInvariants(state: ConstructionProjectState, before: ConstructionProjectState) {
    expect(state.registration === null).toBe(state.status === 'UNREGISTERED');
    expect(state.amountRequested <= state.contractValue || state.status === 'UNREGISTERED').toBe(true);
    expect(new Set(state.termins).size).toBe(state.termins.length);
    expect(new Set(state.addenda).size).toBe(state.addenda.length);
    if (before.status === 'CANCELLED') expect(state.status).toBe('CANCELLED');
    if (before.status === 'COMPLETED') expect(state.status).toBe('COMPLETED');
    if (before.rosterAsOf !== null) expect(state.rosterAsOf! >= before.rosterAsOf).toBe(true);
    if (state.premium) expect(BigInt(state.premium.total) >= 0n && BigInt(state.premium.total) <= state.contractValue).toBe(true);
  }

  it('answers every fact with events or a DomainError, purely, and every state reached keeps the invariants', () => {
    const history = fc.tuple(validEvent('ProjectRegistered', 'FUZZ-1'), fc.array(fc.constantFrom(...EVENT_TYPES).chain((t) => validEvent(t, 'FUZZ-1')), { maxLength: 12 }));
    fc.assert(
      fc.property(history, ([registration, later]) => {
        let state = initialState();
        for (const event of [registration, ...later]) {
          const valid = validateProcurementEvent(event);
          expect(valid.ok).toBe(true);
          if (!valid.ok) return;
          const { fact } = normaliseProcurementEvent(valid.value, box);
          const snapshot = stable(state);
          let decided: ReturnType<typeof decide>;
          try {
            decided = decide(fact, state, ctx(event.occurredAt));
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            // Every refusal names the field it concerns (the API answers it as errors[].path).
            expect((error as DomainError).errors.length).toBeGreaterThan(0);
            expect(stable(state)).toBe(snapshot);
            continue;
          }
          // Pure: the same input decides the same events, and the state it was given is left as it was.
          expect(stable(decide(fact, state, ctx(event.occurredAt)))).toBe(stable(decided));
          expect(stable(state)).toBe(snapshot);
          const next = decided.reduce(evolve, state);
          expectInvariants(next, state);
          state = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses anything but a registration first, and a second registration, with a DomainError', () => {
    fc.assert(
      fc.property(validEvent(), validEvent('ProjectRegistered'), (event, registration) => {
        const fact = (e: typeof event) => {
          const valid = validateProcurementEvent(e);
          if (!valid.ok) throw new Error(`generated an invalid event: ${JSON.stringify(valid.errors)}`);
          return normaliseProcurementEvent(valid.value, box).fact;
        };
        const registered = decide(fact(registration), initialState(), ctx(registration.occurredAt)).reduce(evolve, initialState());
        if (event.type !== 'ProjectRegistered') expect(() => decide(fact(event), initialState(), ctx(event.occurredAt))).toThrow(DomainError);
        else expect(() => decide(fact(event), registered, ctx(event.occurredAt))).toThrow(DomainError);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the escalation case decider under generated command sequences, property-based', () => {
  const PUPR = '1.03.0.00.0.00.01.0000';
  const reasons = fc.uniqueArray(fc.constantFrom('ENROLMENT_MISSING', 'PREMIUM_SHORTFALL', 'COVERAGE_GAP', 'WORKERS_UNCOVERED' as const), { maxLength: 4 });
  const by = fc.record({ sub: fc.constantFrom('kadis', 'sekda', 'ppk'), position: fc.option(fc.constantFrom(...POSITIONS), { nil: null }) });
  /** A command without its time; times are given in order as the sequence runs. */
  const command: fc.Arbitrary<Omit<EscalationCaseCommand, 'now'>> = fc.oneof(
    fc.record({ type: fc.constant('OpenCase' as const), caseId: fc.constant('case-1'), projectId: fc.constantFrom('project-1', 'project-2'), regionCode: fc.constant('73.07.06'), agencyCode: fc.constantFrom(PUPR, '1.02.0.00.0.00.01.0000'), reasons, ladder: fc.constant(DEFAULT_SINJAI_LADDER) }),
    fc.record({ type: fc.constant('EscalationTimerFired' as const), level: fc.integer({ min: -1, max: 5 }) }),
    fc.record({ type: fc.constant('AcknowledgeCase' as const), by, note: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(2001))) }),
    fc.record({ type: fc.constant('UpdateCaseReasons' as const), reasons }),
    fc.record({ type: fc.constant('RecommendPaymentHold' as const), terminNumber: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ type: fc.constantFrom('ResolveCase' as const, 'CloseCase' as const) }),
    fc.record({ type: fc.constant('WaiveCase' as const), by, agency: fc.option(fc.constantFrom(PUPR, 'another-agency'), { nil: null }), justification: fc.string({ maxLength: 40 }) }),
  );

  function expectCaseInvariants(state: EscalationCaseState, before: EscalationCaseState) {
    const ended = ['RESOLVED', 'CLOSED', 'WAIVED'];
    if (ended.includes(before.status)) expect(state).toEqual(before);
    if (state.status === 'NOT_OPENED') expect(state.reachedLevels).toEqual([]);
    // Levels are reached once each, in order from 0, on the ladder the case opened with.
    expect(state.reachedLevels).toEqual(state.reachedLevels.map((_, i) => i));
    expect(state.reachedLevels.length).toBeLessThanOrEqual(state.ladder?.levels.length ?? 0);
    expect(state.currentLevel).toBe(state.reachedLevels.length ? state.reachedLevels.length - 1 : null);
    expect(new Set(state.heldTermins).size).toBe(state.heldTermins.length);
    if (ended.includes(state.status)) {
      expect(state.heldTermins).toEqual([]);
      expect(state.endedAt).not.toBeNull();
      expect(state.nextEscalationAt).toBeNull();
    }
    const acks = state.acknowledgements.map((a) => `${a.level}/${a.by.sub}`);
    expect(new Set(acks).size).toBe(acks.length);
    if (state.status === 'OPEN') expect(state.reasons.length).toBeGreaterThan(0);
  }

  it('answers every command with events or a DomainError, purely, and keeps the case invariants', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 25 }), (commands) => {
        let state = initialCaseState();
        commands.forEach((partial, i) => {
          const cmd = { ...partial, now: new Date(Date.UTC(2025, 5, 1) + i * 86_400_000).toISOString() } as EscalationCaseCommand;
          const snapshot = stable(state);
          let events: ReturnType<typeof decideCase>;
          try {
            events = decideCase(cmd, state);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect(stable(state)).toBe(snapshot);
            return;
          }
          expect(stable(decideCase(cmd, state))).toBe(stable(events));
          expect(stable(state)).toBe(snapshot);
          const next = events.reduce(evolveCase, state);
          expectCaseInvariants(next, state);
          state = next;
        });
      }),
      { numRuns: 300 },
    );
  });
});
