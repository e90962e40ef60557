import type { IsoDate, RupiahString } from '@sinergi/domain';

/** A project as the simulated BPJS registry knows it; identifiers and money are strings. */
export interface SimulatedProject {
  npwp: string;
  contractNumber: string;
  /** 13 digits. */
  projectNumber: string;
  /** 8 digits. */
  npp: string;
  status: 'ACTIVE' | 'REGISTERED_UNPAID' | 'ENDED';
  coveredFrom: IsoDate;
  coveredTo: IsoDate;
  contractValue: RupiahString;
  premiumAssessed: RupiahString;
  premiumPaid: RupiahString;
  workersRegistered: number;
  workerNiks: string[];
}

/** Input the simulator refuses; the message names the field, never a NIK. */
export class SimulatorInputError extends Error {
  override readonly name = 'SimulatorInputError';
}

export const MAX_LOOKUP_NIKS = 5000;

const STATUSES: readonly string[] = ['ACTIVE', 'REGISTERED_UNPAID', 'ENDED'];
const digits = (count: number) => new RegExp(`^\\d{${count}}$`);
const isSixteenDigits = (value: unknown): value is string => typeof value === 'string' && digits(16).test(value);
export const isNpwp = isSixteenDigits;
const isNik = isSixteenDigits;
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isRupiah = (value: unknown): value is string => typeof value === 'string' && /^\d+$/.test(value);

function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Checks the `PUT /__sim/projects` payload shape and returns the projects, or throws {@link SimulatorInputError}. */
export function parseSimulatedProjects(input: unknown): SimulatedProject[] {
  if (!Array.isArray(input)) throw new SimulatorInputError('projects must be an array');
  return input.map((item: unknown, index) => parseProject(item, `projects[${index}]`));
}

function parseProject(item: unknown, at: string): SimulatedProject {
  if (typeof item !== 'object' || item === null) throw new SimulatorInputError(`${at} must be an object`);
  const p = item as Record<string, unknown>;
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new SimulatorInputError(`${at}.${message}`);
  };
  check(isNpwp(p.npwp), 'npwp must be 16 digits');
  check(isText(p.contractNumber), 'contractNumber must be a non-empty string');
  check(typeof p.projectNumber === 'string' && digits(13).test(p.projectNumber), 'projectNumber must be 13 digits');
  check(typeof p.npp === 'string' && digits(8).test(p.npp), 'npp must be 8 digits');
  check(typeof p.status === 'string' && STATUSES.includes(p.status), `status must be one of ${STATUSES.join(', ')}`);
  check(isDate(p.coveredFrom), 'coveredFrom must be a date YYYY-MM-DD');
  check(isDate(p.coveredTo), 'coveredTo must be a date YYYY-MM-DD');
  check((p.coveredFrom as string) <= (p.coveredTo as string), 'coveredTo must not be before coveredFrom');
  for (const field of ['contractValue', 'premiumAssessed', 'premiumPaid'] as const) {
    check(isRupiah(p[field]), `${field} must be an integer rupiah string`);
  }
  check(Number.isSafeInteger(p.workersRegistered) && (p.workersRegistered as number) >= 0, 'workersRegistered must be a non-negative integer');
  check(Array.isArray(p.workerNiks), 'workerNiks must be an array');
  (p.workerNiks as unknown[]).forEach((nik, index) => check(isNik(nik), `workerNiks[${index}] must be 16 digits`));
  return {
    npwp: p.npwp as string,
    contractNumber: p.contractNumber as string,
    projectNumber: p.projectNumber as string,
    npp: p.npp as string,
    status: p.status as SimulatedProject['status'],
    coveredFrom: p.coveredFrom as string,
    coveredTo: p.coveredTo as string,
    contractValue: p.contractValue as string,
    premiumAssessed: p.premiumAssessed as string,
    premiumPaid: p.premiumPaid as string,
    workersRegistered: p.workersRegistered as number,
    workerNiks: [...(p.workerNiks as string[])],
  };
}

/** Checks the `POST /jakon/v1/workers/lookup` body, or throws {@link SimulatorInputError}. */
export function parseWorkersLookup(body: unknown): { projectNumber: string; niks: string[] } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!isText(b.projectNumber)) throw new SimulatorInputError('projectNumber must be a non-empty string');
  if (!Array.isArray(b.niks)) throw new SimulatorInputError('niks must be an array');
  if (b.niks.length > MAX_LOOKUP_NIKS) throw new SimulatorInputError(`niks must hold at most ${MAX_LOOKUP_NIKS} entries`);
  b.niks.forEach((nik: unknown, index) => {
    if (!isNik(nik)) throw new SimulatorInputError(`niks[${index}] must be 16 digits`);
  });
  return { projectNumber: b.projectNumber, niks: b.niks as string[] };
}

/** A registered, fully paid project for tests and demos; override what the case needs. */
export function exampleSimulatedProject(overrides: Partial<SimulatedProject> = {}): SimulatedProject {
  return {
    npwp: '0123456782012345',
    contractNumber: 'SPK/027/PUPR/2025',
    projectNumber: '1234567890123',
    npp: '12345678',
    status: 'ACTIVE',
    coveredFrom: '2025-03-01',
    coveredTo: '2026-02-28',
    contractValue: '1500000000',
    premiumAssessed: '3675000',
    premiumPaid: '3675000',
    workersRegistered: 1,
    workerNiks: [],
    ...overrides,
  };
}
