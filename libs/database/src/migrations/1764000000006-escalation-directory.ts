import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Escalation ladders per region (versions are kept: a case pins the version it started with) and the officials
 * directory (docs/api.md, issue 4). Seeds Kabupaten Sinjai's default ladder and PLACEHOLDER officials: the names and
 * addresses below are fictional and must be replaced by the real directory before going live.
 */

/** A snapshot of DEFAULT_SINJAI_LADDER (src/modules/escalation/ladder) at the time of this migration. */
export const SEED_SINJAI_LADDER_LEVELS = [
  { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'P3D' },
  { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: 'P7D' },
  { level: 2, recipients: ['INSPEKTORAT', 'SEKDA'], waitBeforeNext: 'P14D' },
  { level: 3, recipients: ['BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
] as const;

/** Kode urusan/unit of Dinas Pekerjaan Umum dan Penataan Ruang (PUPR) Kabupaten Sinjai, as used by the directory. */
export const SINJAI_PUPR_AGENCY_CODE = '1.03.0.00.0.00.01.0000';

/** Placeholder officials for 73.07, one per directory position of the ladder (CONTRACTOR comes from the project). */
export const SEED_SINJAI_OFFICIALS: ReadonlyArray<{
  id: string;
  name: string;
  position: string;
  agencyCode: string | null;
  email: string;
}> = [
  { id: '7307e5c0-0000-4000-8000-000000000001', name: 'Contoh PPK Dinas PUPR (placeholder)', position: 'PPK', agencyCode: SINJAI_PUPR_AGENCY_CODE, email: 'ppk.pupr@sinjaikab.example' },
  { id: '7307e5c0-0000-4000-8000-000000000002', name: 'Contoh Kepala Dinas PUPR (placeholder)', position: 'KEPALA_DINAS', agencyCode: SINJAI_PUPR_AGENCY_CODE, email: 'kadis.pupr@sinjaikab.example' },
  { id: '7307e5c0-0000-4000-8000-000000000003', name: 'Contoh Kepala BPJS Ketenagakerjaan Kantor Cabang Sinjai (placeholder)', position: 'BPJS_BRANCH', agencyCode: null, email: 'kacab.sinjai@bpjs.example' },
  { id: '7307e5c0-0000-4000-8000-000000000004', name: 'Contoh Inspektur Daerah (placeholder)', position: 'INSPEKTORAT', agencyCode: null, email: 'inspektorat@sinjaikab.example' },
  { id: '7307e5c0-0000-4000-8000-000000000005', name: 'Contoh Sekretaris Daerah (placeholder)', position: 'SEKDA', agencyCode: null, email: 'sekda@sinjaikab.example' },
  { id: '7307e5c0-0000-4000-8000-000000000006', name: 'Contoh Wakil Bupati (placeholder)', position: 'WAKIL_BUPATI', agencyCode: null, email: 'wakilbupati@sinjaikab.example' },
  { id: '7307e5c0-0000-4000-8000-000000000007', name: 'Contoh Bupati (placeholder)', position: 'BUPATI', agencyCode: null, email: 'bupati@sinjaikab.example' },
];

export class EscalationDirectory1764000000006 implements MigrationInterface {
  name = 'EscalationDirectory1764000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE escalation_ladders (
        region_code  text NOT NULL,
        version      integer NOT NULL CHECK (version > 0),
        ladder       jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text,
        PRIMARY KEY (region_code, version)
      )`);
    await q.query(`
      CREATE TABLE officials (
        id                     uuid PRIMARY KEY,
        name                   text NOT NULL,
        position               text NOT NULL,
        region_scope           text NOT NULL,
        agency_code            text,
        email                  text,
        webhook_url            text,
        webhook_secret_sealed  text,
        active                 boolean NOT NULL DEFAULT true,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX officials_position_scope_idx ON officials (position, region_scope)');

    await q.query(
      `INSERT INTO escalation_ladders (region_code, version, ladder, created_by) VALUES ('73.07', 1, $1::jsonb, 'seed')
       ON CONFLICT (region_code, version) DO NOTHING`,
      [JSON.stringify({ levels: SEED_SINJAI_LADDER_LEVELS })],
    );
    for (const o of SEED_SINJAI_OFFICIALS) {
      await q.query(
        `INSERT INTO officials (id, name, position, region_scope, agency_code, email) VALUES ($1, $2, $3, '73.07', $4, $5)
         ON CONFLICT (id) DO NOTHING`,
        [o.id, o.name, o.position, o.agencyCode, o.email],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE officials, escalation_ladders');
  }
}
