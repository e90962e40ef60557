/**
 * Posts a realistic mix of Sinjai construction projects through the signed batch API, and tells the
 * BPJS simulator which of them are enrolled (about 40 %, as in Sinjai today; docs/domain.md).
 * Usage: npm run demo:post [-- --api http://127.0.0.1:3000 --bpjs http://127.0.0.1:3999 --count 30]
 * `demoProjects` is the data alone: the console's journey test (test/console-journey.e2e.spec.ts) seeds with it.
 */
import { parseArgs } from 'node:util';
import { signedHeaders } from '@sinergi/auth';
import { computeJakonPremium } from '@sinergi/domain';
import { localEnvironment } from '../src/platform/local-state';

const DISTRICTS = ['01', '02', '03', '04', '05', '06', '07', '08', '09'];
const AGENCIES = [
  { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
  { code: '1.01.0.00.0.00.01.0000', name: 'Dinas Pendidikan dan Kebudayaan' },
  { code: '1.02.0.00.0.00.01.0000', name: 'Dinas Kesehatan' },
  { code: '1.04.0.00.0.00.01.0000', name: 'Dinas Perumahan dan Kawasan Permukiman' },
];
const WORKS = ['Rehabilitasi Jalan', 'Pembangunan Drainase', 'Rehabilitasi Gedung SD', 'Pembangunan Puskesmas Pembantu', 'Peningkatan Jalan Desa', 'Pembangunan Talud'];
const PLACES = ['Lappadata', 'Biringere', 'Tassililu', 'Manimpahoi', 'Bongki', 'Lamatti Riattang', 'Kampala', 'Saotengnga', 'Pulau Kambuno'];
const FUNDING = ['APBD', 'APBD', 'DAK', 'APBN', 'DANA_DESA'];
/** Invented names for the demo rosters; no real person. */
const WORKER_NAMES = ['Andi Baso', 'Muh. Ridwan', 'Nurhayati', 'Syamsul Bahri', 'Hasnah', 'Irwan Saputra', 'Rahmawati', 'Baharuddin', 'Sitti Aminah'];
/** Invented names of each agency's PPK (the notices say "hubungi PPK <name>"); no real person. */
const PPK_NAMES = ['Ir. Andi Mappaselle', 'Hj. Andi Nurfaidah', 'dr. Muh. Amiruddin', 'Drs. Suardi Latif'];

/** A well-formed NIK of the district (region, a birth date, a sequence that is not 0000); invented. */
function nik(district: string, seed: number): string {
  const day = String(1 + (seed % 28)).padStart(2, '0');
  const month = String(1 + (seed % 12)).padStart(2, '0');
  const year = String(70 + (seed % 30)).padStart(2, '0');
  return `7307${district}${day}${month}${year}${String(1 + (seed % 9999)).padStart(4, '0')}`;
}

/** A valid company NPWP: '0' + 8 digits + Luhn check digit + 6 digits. */
function npwp(seed: number): string {
  const head = String(10_000_000 + seed * 7919).slice(-8);
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    let d = Number(head[7 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `0${head}${(10 - (sum % 10)) % 10}901000`;
}

export interface DemoProjects {
  /** ProjectRegistered and WorkersReported events, for the signed batch API. */
  events: Record<string, unknown>[];
  /** The enrolments to hand the BPJS simulator (`PUT /__sim/projects`). */
  enrolled: Record<string, unknown>[];
}

/**
 * `count` Sinjai projects spread over the nine districts and four agencies, each with a three-worker roster; two in
 * five enrolled at BPJS (every fifth of those paying half its premium). Every project has a name of its own.
 */
export function demoProjects(count = 30): DemoProjects {
  const events: Record<string, unknown>[] = [];
  const enrolled: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const ref = `1008${String(116000 + i * 37).padStart(7, '0')}`;
    const value = BigInt(150_000_000 + ((i * 173_000_000) % 4_800_000_000));
    const contractNumber = `${String(20 + i).padStart(3, '0')}/SPK/SJ/IV/2025`;
    const contractorNpwp = npwp(i + 1);
    const district = DISTRICTS[i % DISTRICTS.length];
    // A small roster per project (three workers), so worker coverage is not empty.
    const workers = [0, 1, 2].map((k) => ({ nik: nik(district, i * 3 + k + 1), name: WORKER_NAMES[(i + k) % WORKER_NAMES.length], role: k === 0 ? 'Mandor' : 'Tukang' }));
    events.push({
      eventId: `spse-7307-${ref}-registered`,
      type: 'ProjectRegistered',
      occurredAt: '2025-04-23T08:00:00+08:00',
      projectRef: ref,
      data: {
        // The place follows the district; the work shifts every round of districts, so no two names repeat (up to 54).
        name: `${WORKS[(i + 2 * Math.floor(i / DISTRICTS.length)) % WORKS.length]} ${PLACES[i % PLACES.length]}`,
        agency: AGENCIES[i % AGENCIES.length],
        regionCode: `73.07.${district}`,
        workType: 'KONSTRUKSI',
        fundingSource: FUNDING[i % FUNDING.length],
        fiscalYear: 2025,
        contractNumber,
        contractDate: '2025-04-21',
        contractValue: value.toString(),
        startDate: '2025-04-28',
        endDate: '2025-10-24',
        maintenanceEndDate: '2026-04-22',
        // Addresses at .example: under start:local the notices land in .local/mail, with the single-case links.
        contractor: { npwp: contractorNpwp, name: `CV Mitra Sinjai ${i + 1}`, email: `kontak@mitra-sinjai-${i + 1}.example` },
        ppk: { name: PPK_NAMES[i % AGENCIES.length], email: `ppk${(i % AGENCIES.length) + 1}@sinjaikab.example` },
        estimatedWorkers: 10 + (i % 40),
      },
    });
    events.push({
      eventId: `spse-7307-${ref}-workers-1`,
      type: 'WorkersReported',
      occurredAt: '2025-05-31T17:00:00+08:00',
      projectRef: ref,
      data: { asOf: '2025-05-31', workers },
    });
    // Two in five enrolled; one of those pays short, to show a premium shortfall.
    if (i % 5 < 2) {
      const premium = computeJakonPremium({ contractValue: value, valueIncludesVat: true, contractDate: '2025-04-21' }).total;
      enrolled.push({
        npwp: contractorNpwp,
        contractNumber,
        projectNumber: String(7307250000000 + i),
        npp: String(73070000 + i),
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: value.toString(),
        premiumAssessed: premium.toString(),
        premiumPaid: (i % 10 === 1 ? premium / 2n : premium).toString(),
        workersRegistered: 10 + (i % 40),
        // Every worker of an enrolled project is registered at BPJS too.
        workerNiks: workers.map((w) => w.nik),
      });
    }
  }
  return { events, enrolled };
}

async function main(): Promise<void> {
  // Beside a running start:local, post to that system (its ports are in .local/runtime.json).
  const running = localEnvironment();
  const { values } = parseArgs({
    options: {
      api: { type: 'string', default: process.env.SINERGI_API_URL ?? `http://127.0.0.1:${running?.PORT ?? 3000}` },
      bpjs: { type: 'string', default: process.env.BPJS_API_URL ?? running?.BPJS_API_URL ?? 'http://127.0.0.1:3999' },
      count: { type: 'string', default: '30' },
    },
  });
  const client = { id: process.env.SINERGI_DEMO_CLIENT_ID ?? 'demo-spse', secret: process.env.SINERGI_DEMO_CLIENT_SECRET ?? 'demo-secret' };
  const count = Number(values.count);
  const { events, enrolled } = demoProjects(count);
  const sim = await fetch(`${values.bpjs}/__sim/projects`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ projects: enrolled }),
  }).catch(() => null);
  console.log(sim?.ok ? `BPJS simulator: ${enrolled.length} of ${count} projects enrolled` : `BPJS simulator at ${values.bpjs} not reachable; skipped`);

  const body = JSON.stringify({ events });
  const res = await fetch(`${values.api}/v1/procurement/events/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(client.id, client.secret, body) },
    body,
  });
  const answer = (await res.json()) as { results?: { status: number; projectId?: string; code?: string }[] };
  if (!res.ok || !answer.results) {
    console.error(`batch refused: HTTP ${res.status}`, answer);
    process.exit(1);
  }
  const tally = answer.results.reduce<Record<string, number>>((t, r) => ({ ...t, [r.status]: (t[r.status] ?? 0) + 1 }), {});
  console.log(`posted ${count} Sinjai projects with their rosters (${events.length} events): ${Object.entries(tally).map(([s, n]) => `${n} × HTTP ${s}`).join(', ')}`);
  const first = answer.results.find((r) => r.projectId);
  if (first) console.log(`e.g. project ${first.projectId}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`demo:post failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
