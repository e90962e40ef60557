import type { SinergiClaims } from '@sinergi/auth';

/** Dinas PUPR Kabupaten Sinjai, as the seeded officials directory names it. */
const SINJAI_PUPR = '1.03.0.00.0.00.01.0000';

export interface LocalAccount {
  claims: SinergiClaims;
  /** What the one-click sign-in page says about the account. */
  description: string;
}

/**
 * The accounts of the identity provider that runs inside start:local and the tests: never in production. Officials
 * carry the ids of the seeded officials directory (migration 0006), so what the ladder notifies is who signs in.
 * Roles, regions and position are the same claims as the API's JWTs (libs/auth).
 */
export const LOCAL_ACCOUNTS: readonly LocalAccount[] = [
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000002', name: 'Kepala Dinas PUPR Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: SINJAI_PUPR },
    description: 'Pejabat · Kepala Dinas PUPR · Kabupaten Sinjai',
  },
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000001', name: 'PPK Dinas PUPR Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'PPK', agency: SINJAI_PUPR },
    description: 'Pejabat · PPK Dinas PUPR · Kabupaten Sinjai',
  },
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000003', name: 'Kepala BPJS Ketenagakerjaan Cabang Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'BPJS_BRANCH' },
    description: 'Pejabat · Kantor Cabang BPJS Ketenagakerjaan · Kabupaten Sinjai',
  },
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000004', name: 'Inspektur Daerah Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'INSPEKTORAT' },
    description: 'Pejabat · Inspektorat · Kabupaten Sinjai',
  },
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000005', name: 'Sekretaris Daerah Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'SEKDA' },
    description: 'Pejabat · Sekretaris Daerah · Kabupaten Sinjai',
  },
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000006', name: 'Wakil Bupati Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'WAKIL_BUPATI' },
    description: 'Pejabat · Wakil Bupati · Kabupaten Sinjai',
  },
  {
    claims: { sub: '7307e5c0-0000-4000-8000-000000000007', name: 'Bupati Sinjai (contoh)', roles: ['official'], regions: ['73.07'], position: 'BUPATI' },
    description: 'Pejabat · Bupati · Kabupaten Sinjai',
  },
  {
    claims: { sub: 'local-auditor-7307', name: 'Auditor Inspektorat Sinjai (contoh)', roles: ['auditor'], regions: ['73.07'] },
    description: 'Auditor · hanya membaca · Kabupaten Sinjai',
  },
  {
    claims: { sub: 'local-admin-7307', name: 'Admin Sinergi Sinjai (contoh)', roles: ['admin'], regions: ['73.07'] },
    description: 'Admin · Kabupaten Sinjai',
  },
  {
    claims: { sub: 'local-admin-id', name: 'Admin Sinergi Nasional (contoh)', roles: ['admin'], regions: ['ID'] },
    description: 'Admin · seluruh Indonesia (dapat mengubah antrean)',
  },
  {
    claims: { sub: 'local-kadis-7306', name: 'Kepala Dinas PUPR Gowa (contoh)', roles: ['official'], regions: ['73.06'], position: 'KEPALA_DINAS', agency: '1.03.0.00.0.00.01.0000' },
    description: 'Pejabat · Kepala Dinas PUPR · Kabupaten Gowa (kabupaten lain)',
  },
];

export const findLocalAccount = (sub: string) => LOCAL_ACCOUNTS.find((a) => a.claims.sub === sub);
