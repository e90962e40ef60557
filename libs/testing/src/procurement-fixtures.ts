/** A realistic Sinjai road project as SPSE would post it (values from docs/domain.md's worked example). */
export function projectRegistered(projectRef: string, overrides: Record<string, unknown> = {}, dataOverrides: Record<string, unknown> = {}) {
  return {
    eventId: `spse-7307-${projectRef}-1`,
    type: 'ProjectRegistered',
    occurredAt: '2025-04-23T08:00:00+08:00',
    projectRef,
    data: {
      name: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
      agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
      regionCode: '73.07.06',
      workType: 'KONSTRUKSI',
      fundingSource: 'APBD',
      fiscalYear: 2025,
      contractNumber: `027/SPK/PUPR-SJ/IV/2025/${projectRef}`,
      contractDate: '2025-04-21',
      contractValue: '2500000000',
      startDate: '2025-04-28',
      endDate: '2025-10-24',
      maintenanceEndDate: '2026-04-22',
      contractor: { npwp: '0012345674901000', name: 'CV Karya Sinjai Mandiri', email: 'kontak@karyasinjai.example' },
      ppk: { nip: '198001012005011001', name: 'Andi Baso', email: 'ppk.pupr@sinjaikab.example' },
      estimatedWorkers: 35,
      ...dataOverrides,
    },
    ...overrides,
  };
}

export function workersReported(projectRef: string, workers: { nik: string; name: string; role?: string }[], n = 1) {
  return {
    eventId: `spse-7307-${projectRef}-workers-${n}`,
    type: 'WorkersReported',
    occurredAt: '2025-05-31T17:00:00+08:00',
    projectRef,
    data: { asOf: '2025-05-31', workers },
  };
}
