import type { EnrolmentRecord } from '../compliance/compliance.events';

/** The record is the compliance stream's own type: what a registry answers is what gets recorded. */
export type { EnrolmentRecord, EnrolmentSource } from '../compliance/compliance.events';

export interface EnrolmentQuery {
  /** 16 digits. */
  npwp: string;
  contractNumber: string;
}

/** The verification port: one question asked of the BPJS API, a branch file or evidence alike. */
export interface EnrolmentRegistry {
  readonly source: EnrolmentRecord['source'];
  /** null when the registry does not know the project. */
  findProject(query: EnrolmentQuery): Promise<EnrolmentRecord | null>;
  /** Which of these NIKs the project's cover includes; null when this source cannot tell. */
  lookupWorkers(projectNumber: string, niks: string[]): Promise<Map<string, boolean> | null>;
}

/** A failure worth retrying later (timeout, 5xx, connection refused, open circuit). */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';

  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** BPJS asked us to slow down: retry after `retryAfterMs`. */
export class RegistryRateLimitedError extends Error {
  override readonly name = 'RegistryRateLimitedError';

  constructor(readonly retryAfterMs: number) {
    super(`BPJS rate limit reached; retry after ${retryAfterMs} ms`);
  }
}

/** A permanent refusal (4xx other than 404/429): retrying will not help. */
export class RegistryRejectedError extends Error {
  override readonly name = 'RegistryRejectedError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const ENROLMENT_REGISTRY = Symbol('ENROLMENT_REGISTRY');
