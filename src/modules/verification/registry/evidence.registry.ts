import type { Pool, PoolClient } from 'pg';
import { lookupByContract } from './contract-lookup';
import { EnrolmentQuery, EnrolmentRecord, EnrolmentRegistry } from './enrolment-registry.port';
import type { IsoDate, RupiahString } from '@sinergi/domain';

interface ConfirmedEvidenceRow {
  project_number: string;
  npp: string;
  covered_from: string;
  covered_to: string;
  premium_paid: string;
}

/**
 * Evidence a contractor handed in and an official confirmed, as a registry (docs/api.md): the documents show the
 * project enrolled and what was paid, not what BPJS assessed, how many workers it registered, or who they are.
 */
export class EvidenceRegistry implements EnrolmentRegistry {
  readonly source = 'evidence' as const;

  constructor(private readonly pool: Pool) {}

  async findProject(query: EnrolmentQuery): Promise<EnrolmentRecord | null> {
    const row = await lookupByContract<ConfirmedEvidenceRow>(
      this.pool,
        `SELECT project_number, npp,
                to_char(covered_from, 'YYYY-MM-DD') AS covered_from, to_char(covered_to, 'YYYY-MM-DD') AS covered_to,
                premium_paid::text AS premium_paid
           FROM enrolment_evidence
          WHERE npwp = $1 AND contract_number = $2 AND status = 'CONFIRMED'
          ORDER BY confirmed_at DESC, evidence_id DESC
          LIMIT 1`,
      query,
      'the confirmed enrolment evidence',
    );
    if (row === undefined) return null;
    return {
      source: this.source,
      projectNumber: row.project_number,
      npp: row.npp,
      status: 'ACTIVE',
      coveredFrom: row.covered_from,
      coveredTo: row.covered_to,
      premiumAssessed: null,
      premiumPaid: row.premium_paid,
      workersRegistered: null,
    };
  }

  async lookupWorkers(_projectNumber: string, _niks: string[]): Promise<Map<string, boolean> | null> {
    return null;
  }
}

/** The row the evidence registry reads, written with the `EnrolmentEvidenceSubmitted` event that it mirrors. */
export interface SubmittedEvidenceRow {
  evidenceId: string;
  projectId: string;
  /** The contractor's NPWP and contract number from the project's registration: what verification asks by. */
  npwp: string;
  contractNumber: string;
  projectNumber: string;
  npp: string;
  coveredFrom: IsoDate;
  coveredTo: IsoDate;
  premiumPaid: RupiahString;
}

export async function insertSubmittedEvidence(tx: PoolClient, row: SubmittedEvidenceRow): Promise<void> {
  await tx.query(
    `INSERT INTO enrolment_evidence (evidence_id, project_id, npwp, contract_number, project_number, npp, status,
                                     covered_from, covered_to, premium_paid)
     VALUES ($1, $2, $3, $4, $5, $6, 'SUBMITTED', $7, $8, $9)`,
    [row.evidenceId, row.projectId, row.npwp, row.contractNumber, row.projectNumber, row.npp, row.coveredFrom, row.coveredTo, row.premiumPaid],
  );
}

/** An official's decision on submitted evidence; only a confirmation makes the row visible to the registry. */
export async function markEvidenceDecided(
  tx: PoolClient,
  evidenceId: string,
  decision: { status: 'CONFIRMED'; confirmedAt: string } | { status: 'REJECTED' },
): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE enrolment_evidence SET status = $2, confirmed_at = $3 WHERE evidence_id = $1 AND status = 'SUBMITTED'`,
    [evidenceId, decision.status, decision.status === 'CONFIRMED' ? decision.confirmedAt : null],
  );
  // The stream said SUBMITTED and the row is written with its events, so a miss means the two have drifted apart.
  if (rowCount !== 1) throw new Error(`enrolment_evidence ${evidenceId} is not awaiting a decision`);
}
