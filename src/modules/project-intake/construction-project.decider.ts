import { DomainError, type FieldError } from '@sinergi/common';
import { calendarDateWita, computeJakonPremium, type HolidayCalendar, registrationDeadlineOf } from '@sinergi/domain';
import type { StreamModel } from '@sinergi/event-store';
import type {
  ConstructionProjectEvent,
  ContractAmendedData,
  PaymentRequestedData,
  PremiumFigures,
  ProjectCancelledData,
  ProjectCompletedData,
  ProjectRegisteredData,
  ReportedWorker,
  WorkStartedData,
} from './construction-project.events';

/** A procurement fact as validated and normalised at the edge, before Sinergi derives anything. */
export type RecordProcurementFact =
  | {
      type: 'ProjectRegistered';
      data: Omit<ProjectRegisteredData, 'projectId' | 'projectRef' | 'premium' | 'registrationDeadline' | 'occurredAt'>;
    }
  | { type: 'ContractAmended'; data: Omit<ContractAmendedData, 'premium' | 'occurredAt'> }
  | { type: 'WorkersReported'; data: { asOf: string; workers: ReportedWorker[] } }
  | { type: 'WorkStarted'; data: Omit<WorkStartedData, 'occurredAt'> }
  | { type: 'PaymentRequested'; data: Omit<PaymentRequestedData, 'occurredAt'> }
  | { type: 'ProjectCompleted'; data: Omit<ProjectCompletedData, 'occurredAt'> }
  | { type: 'ProjectCancelled'; data: Omit<ProjectCancelledData, 'occurredAt'> };

export interface DecisionContext {
  projectId: string;
  projectRef: string;
  occurredAt: string;
  calendar: HolidayCalendar;
  /** Working days after the SPK to register with BPJS (docs/domain.md). @defaultValue 14 */
  registrationWorkingDays: number;
}

export type ProjectStatus = 'UNREGISTERED' | 'REGISTERED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';

export interface ConstructionProjectState {
  status: ProjectStatus;
  registration: ProjectRegisteredData | null;
  contractValue: bigint;
  endDate: string | null;
  maintenanceEndDate: string | null;
  premium: PremiumFigures | null;
  addenda: string[];
  termins: number[];
  amountRequested: bigint;
  startedAt: string | null;
  completedAt: string | null;
  rosterAsOf: string | null;
  workerCount: number;
}

export const initialState = (): ConstructionProjectState => ({
  status: 'UNREGISTERED',
  registration: null,
  contractValue: 0n,
  endDate: null,
  maintenanceEndDate: null,
  premium: null,
  addenda: [],
  termins: [],
  amountRequested: 0n,
  startedAt: null,
  completedAt: null,
  rosterAsOf: null,
  workerCount: 0,
});

export function evolve(state: ConstructionProjectState, event: ConstructionProjectEvent): ConstructionProjectState {
  switch (event.type) {
    case 'ProjectRegistered':
      return {
        ...state,
        status: 'REGISTERED',
        registration: event.data,
        contractValue: BigInt(event.data.contractValue),
        endDate: event.data.endDate,
        maintenanceEndDate: event.data.maintenanceEndDate,
        premium: event.data.premium,
      };
    case 'ContractAmended':
      return {
        ...state,
        addenda: [...state.addenda, event.data.addendumNumber],
        contractValue: event.data.contractValue !== null ? BigInt(event.data.contractValue) : state.contractValue,
        endDate: event.data.endDate ?? state.endDate,
        maintenanceEndDate: event.data.maintenanceEndDate ?? state.maintenanceEndDate,
        premium: event.data.premium ?? state.premium,
      };
    case 'WorkersReported':
      return { ...state, rosterAsOf: event.data.asOf, workerCount: event.data.workerCount };
    case 'WorkStarted':
      return { ...state, status: 'IN_PROGRESS', startedAt: event.data.startedAt };
    case 'PaymentRequested':
      return {
        ...state,
        termins: [...state.termins, event.data.terminNumber],
        amountRequested: state.amountRequested + BigInt(event.data.amount),
      };
    case 'ProjectCompleted':
      return { ...state, status: 'COMPLETED', completedAt: event.data.completedAt };
    case 'ProjectCancelled':
      return { ...state, status: 'CANCELLED' };
    case 'RegistrationDeadlineRecomputed':
      return state.registration
        ? {
            ...state,
            registration: { ...state.registration, registrationDeadline: event.data.registrationDeadline, registrationDeadlineProvisional: event.data.provisional },
          }
        : state;
    default: {
      const unexpected: never = event;
      throw new Error(`unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** How the project stream (`project-<id>`) folds: what `loadStream` and `CommandHandler` read it with. */
export const constructionProjectModel: StreamModel<ConstructionProjectState, ConstructionProjectEvent> = { evolve, initialState };

export const foldProject = (events: Iterable<ConstructionProjectEvent>): ConstructionProjectState => {
  let state = initialState();
  for (const e of events) state = evolve(state, e);
  return state;
};

/** The registration deadline (SPK + N working days) and whether a year without holiday data made it provisional. */
function deadlineOf(contractDate: string, ctx: Pick<DecisionContext, 'calendar' | 'registrationWorkingDays'>) {
  const { date, provisional } = registrationDeadlineOf(contractDate, ctx.calendar, ctx.registrationWorkingDays);
  return { registrationDeadline: date, registrationDeadlineProvisional: provisional };
}

/**
 * Counts a registered, still active project's deadline again with `calendar` (holidays imported since): an event
 * when the date or its provisional mark changed, nothing otherwise. Cancelled and completed projects keep theirs.
 */
export function recomputeRegistrationDeadline(
  state: ConstructionProjectState,
  ctx: Pick<DecisionContext, 'calendar' | 'registrationWorkingDays'> & { holidayYear: number; now: string },
): ConstructionProjectEvent[] {
  const r = state.registration;
  if (!r || state.status === 'CANCELLED' || state.status === 'COMPLETED') return [];
  const next = deadlineOf(r.contractDate, ctx);
  if (next.registrationDeadline === r.registrationDeadline && next.registrationDeadlineProvisional === (r.registrationDeadlineProvisional ?? false)) return [];
  return [
    {
      type: 'RegistrationDeadlineRecomputed',
      data: {
        registrationDeadline: next.registrationDeadline,
        provisional: next.registrationDeadlineProvisional,
        previousDeadline: r.registrationDeadline,
        holidayYear: ctx.holidayYear,
        recomputedAt: ctx.now,
      },
    },
  ];
}

/** A refusal by the project's state, naming the field of the event it concerns (docs/api.md: errors name a path). */
function conflictAt(path: string, code: string, message: string): DomainError {
  return new DomainError('conflict', code, message, [{ path, code, message }]);
}

function dateOrderError(path: string, message: string): DomainError {
  return new DomainError('invalid', 'invalid_dates', message, [{ path, code: 'date_order', message }]);
}

function requireRegistered(state: ConstructionProjectState, what: string): ProjectRegisteredData {
  if (!state.registration) {
    throw conflictAt('projectRef', 'project_not_registered', `${what} refers to a project that has not been registered; send ProjectRegistered first`);
  }
  if (state.status === 'CANCELLED') throw conflictAt('projectRef', 'project_cancelled', `${what} refused: the project was cancelled`);
  return state.registration;
}

/** Decides what a procurement fact means for the project: the events to append, or a refusal. */
export function decide(
  fact: RecordProcurementFact,
  state: ConstructionProjectState,
  ctx: DecisionContext,
): ConstructionProjectEvent[] {
  const occurredAt = ctx.occurredAt;
  switch (fact.type) {
    case 'ProjectRegistered': {
      if (state.status === 'CANCELLED') throw conflictAt('projectRef', 'project_cancelled', `project ${ctx.projectRef} was cancelled; it cannot be registered again`);
      if (state.registration) {
        throw conflictAt('projectRef', 'project_already_registered', `project ${ctx.projectRef} is already registered; send ContractAmended for changes`);
      }
      const d = fact.data;
      const errors: FieldError[] = [];
      if (d.endDate < d.startDate) errors.push({ path: 'data.endDate', code: 'date_order', message: 'endDate must not be before startDate' });
      if (d.maintenanceEndDate !== null && d.maintenanceEndDate < d.endDate) {
        errors.push({ path: 'data.maintenanceEndDate', code: 'date_order', message: 'maintenanceEndDate must not be before endDate' });
      }
      if (d.contractDate > d.endDate) errors.push({ path: 'data.contractDate', code: 'date_order', message: 'contractDate must not be after endDate' });
      if (errors.length) throw new DomainError('invalid', 'invalid_dates', 'the contract dates are not in order', errors);
      return [
        {
          type: 'ProjectRegistered',
          data: {
            projectId: ctx.projectId,
            projectRef: ctx.projectRef,
            ...d,
            premium: premiumFor(BigInt(d.contractValue), d.valueIncludesVat, d.contractDate),
            ...deadlineOf(d.contractDate, ctx),
            occurredAt,
          },
        },
      ];
    }
    case 'ContractAmended': {
      const registration = requireRegistered(state, 'ContractAmended');
      const d = fact.data;
      if (state.addenda.includes(d.addendumNumber)) {
        throw conflictAt('data.addendumNumber', 'addendum_already_recorded', `addendum ${d.addendumNumber} is already recorded for this project`);
      }
      const endDate = d.endDate ?? state.endDate!;
      if (endDate < registration.startDate) throw dateOrderError('data.endDate', 'endDate must not be before the contract startDate');
      if (endDate < registration.contractDate) throw dateOrderError('data.endDate', 'endDate must not be before the contractDate');
      if (d.contractValue !== null && BigInt(d.contractValue) < state.amountRequested) {
        throw new DomainError('unprocessable', 'contract_value_below_payments', 'the amended value is below the payments already requested', [
          { path: 'data.contractValue', code: 'below_payments', message: `payments of ${state.amountRequested} rupiah were already requested` },
        ]);
      }
      const maintenanceEnd = d.maintenanceEndDate ?? state.maintenanceEndDate;
      if (maintenanceEnd !== null && maintenanceEnd < endDate) {
        throw dateOrderError('data.maintenanceEndDate', 'maintenanceEndDate must not be before endDate');
      }
      const valueChanged = d.contractValue !== null && BigInt(d.contractValue) !== state.contractValue;
      const premium = valueChanged
        ? premiumFor(BigInt(d.contractValue!), registration.valueIncludesVat, registration.contractDate)
        : null;
      return [{ type: 'ContractAmended', data: { ...d, premium, occurredAt } }];
    }
    case 'WorkersReported': {
      requireRegistered(state, 'WorkersReported');
      const asOf = fact.data.asOf;
      if (state.completedAt && asOf > calendarDateWita(state.completedAt)) {
        throw conflictAt('data.asOf', 'project_completed', 'WorkersReported refused: the roster date is after the project was completed');
      }
      if (state.rosterAsOf && asOf < state.rosterAsOf) {
        throw conflictAt('data.asOf', 'roster_out_of_date', `a roster as of ${state.rosterAsOf} is already recorded; this one (${asOf}) is older`);
      }
      return [{ type: 'WorkersReported', data: { asOf, workers: fact.data.workers, workerCount: fact.data.workers.length, occurredAt } }];
    }
    case 'WorkStarted': {
      requireRegistered(state, 'WorkStarted');
      if (state.startedAt) throw conflictAt('type', 'work_already_started', `work was already recorded as started at ${state.startedAt}`);
      if (state.status === 'COMPLETED') throw conflictAt('type', 'project_completed', 'WorkStarted refused: the project is completed');
      return [{ type: 'WorkStarted', data: { ...fact.data, occurredAt } }];
    }
    case 'PaymentRequested': {
      requireRegistered(state, 'PaymentRequested');
      const d = fact.data;
      if (state.termins.includes(d.terminNumber)) {
        throw conflictAt('data.terminNumber', 'termin_already_requested', `payment for termin ${d.terminNumber} was already requested`);
      }
      if (state.amountRequested + BigInt(d.amount) > state.contractValue) {
        throw new DomainError('unprocessable', 'payment_exceeds_contract_value', 'the payments requested would exceed the contract value', [
          { path: 'data.amount', code: 'exceeds_contract_value', message: `at most ${state.contractValue - state.amountRequested} rupiah remain` },
        ]);
      }
      return [{ type: 'PaymentRequested', data: { ...d, occurredAt } }];
    }
    case 'ProjectCompleted': {
      const registration = requireRegistered(state, 'ProjectCompleted');
      if (state.status === 'COMPLETED') throw conflictAt('type', 'project_completed', `the project was already completed at ${state.completedAt}`);
      const completedOn = calendarDateWita(fact.data.completedAt);
      if (completedOn < registration.startDate) throw dateOrderError('data.completedAt', 'completedAt must not be before the contract startDate');
      if (state.startedAt && completedOn < calendarDateWita(state.startedAt)) {
        throw dateOrderError('data.completedAt', 'completedAt must not be before the recorded start of work');
      }
      return [{ type: 'ProjectCompleted', data: { ...fact.data, occurredAt } }];
    }
    case 'ProjectCancelled': {
      requireRegistered(state, 'ProjectCancelled');
      if (state.status === 'COMPLETED') throw conflictAt('type', 'project_completed', 'a completed project cannot be cancelled');
      return [{ type: 'ProjectCancelled', data: { ...fact.data, occurredAt } }];
    }
    default: {
      const unexpected: never = fact;
      throw new Error(`unknown fact ${(unexpected as { type: string }).type}`);
    }
  }
}

function premiumFor(contractValue: bigint, valueIncludesVat: boolean, contractDate: string): PremiumFigures {
  const p = computeJakonPremium({ contractValue, valueIncludesVat, contractDate });
  return { base: p.base, vatRatePercent: p.vatRatePercent, jkk: p.jkk.toString(), jkm: p.jkm.toString(), total: p.total.toString() };
}
