/**
 * A national fiscal year of regional construction, generated deterministically from the vendored region hierarchy
 * for `bench:national`: projects spread over the regencies with a realistic skew, log-normal contract values, a share
 * amended, rosters, work started, payment requests and completions, and the share enrolled and paid at BPJS.
 * Every name and NIK is invented (well-formed, so validation accepts them); nothing here is real personal data.
 */
import type { SimulatedProject } from '@sinergi/bpjs-simulator';
import { computeJakonPremium, VENDORED_REGIONS } from '@sinergi/domain';

const rowsOf = (level: string) => VENDORED_REGIONS.find((l) => l.level === level)?.rows ?? [];

export interface NationalYearOptions {
  projects: number;
  seed: number;
  /** Share of projects enrolled and paid at BPJS (the national figure for 2025 is 12.29 %). */
  enrolledShare: number;
}

export interface ProcurementEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  projectRef: string;
  data: Record<string, unknown>;
}

export interface NationalYear {
  /** Province code → its procurement client's region scope (one client per province, as the benchmark posts). */
  provinces: string[];
  /** Events in posting waves (registrations first, then what follows them), each tagged with its province. */
  waves: { name: string; events: { province: string; event: ProcurementEvent }[] }[];
  /** What the BPJS simulator knows: the enrolled, paid projects. */
  enrolled: SimulatedProject[];
  projectRefs: string[];
  regencyCount: number;
  workers: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
const normal = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A WITA date-time on a day, as the sources send them. */
const at = (ms: number, hour = 9) => `${isoDate(ms)}T${pad(hour, 2)}:00:00+08:00`;

function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    const digit = Number(payload[payload.length - 1 - fromRight]);
    const weighted = fromRight % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}

/** A company NPWP in its 16-digit form ('0' + the old 15 digits with their check digit). */
export function companyNpwp(n: number): string {
  const payload = pad(10_000_000 + n, 8);
  return `0${payload}${luhnCheckDigit(payload)}000000`;
}

/** A well-formed NIK: the district code, a birth date (1960–1999), a non-zero sequence; unique per (district, n). */
export function nikFor(district6: string, n: number): string {
  const dates = 28 * 12 * 40;
  const date = n % dates;
  const day = (date % 28) + 1;
  const month = (Math.floor(date / 28) % 12) + 1;
  const year = 60 + Math.floor(date / (28 * 12));
  const sequence = Math.floor(n / dates) + 1;
  return `${district6}${pad(day, 2)}${pad(month, 2)}${pad(year, 2)}${pad(sequence, 4)}`;
}

const AGENCIES = [
  { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
  { code: '1.04.0.00.0.00.01.0000', name: 'Dinas Perumahan dan Kawasan Permukiman' },
  { code: '1.01.0.00.0.00.01.0000', name: 'Dinas Pendidikan' },
  { code: '1.02.0.00.0.00.01.0000', name: 'Dinas Kesehatan' },
  { code: '2.15.0.00.0.00.01.0000', name: 'Dinas Perhubungan' },
];
const FUNDING = ['APBD', 'APBD', 'APBD', 'DAK', 'DANA_DESA', 'APBN'];
const WORK = ['Rehabilitasi Jalan', 'Pembangunan Jembatan', 'Rehabilitasi Gedung Sekolah', 'Pembangunan Drainase', 'Peningkatan Jalan Desa', 'Pembangunan Puskesmas'];

/**
 * The year. Regencies get a log-normal weight each (a few large cities and provinces' capitals take many
 * projects, most regencies a few dozen), contract values are log-normal between Rp 50 juta and Rp 50 miliar
 * (median about Rp 700 juta), about 20 % are amended, rosters have a median of 25 workers with some of 1,000 and
 * more, 2–4 payment requests each, about 70 % completed within the year.
 */
export function nationalYear(options: NationalYearOptions): NationalYear {
  const random = seededRandom(options.seed);
  const regencyRows = rowsOf('regency');
  const districtsOf = new Map<string, string[]>();
  for (const [code] of rowsOf('district')) {
    const regency = code.slice(0, 5);
    districtsOf.set(regency, [...(districtsOf.get(regency) ?? []), code]);
  }
  const weights = regencyRows.map(() => Math.exp(0.9 * normal(random)));
  const total = weights.reduce((a, b) => a + b, 0);
  // Largest remainder, so the counts add up to exactly `projects`.
  const exact = weights.map((w) => (w / total) * options.projects);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  const deficit = options.projects - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < deficit; k++) counts[byRemainder[k][1]] += 1;

  const waves = ['registrations', 'amendments', 'rosters', 'work started', 'payment requests', 'completions'].map((name) => ({
    name,
    events: [] as { province: string; event: ProcurementEvent }[],
  }));
  const enrolled: SimulatedProject[] = [];
  const projectRefs: string[] = [];
  const workerCounters = new Map<string, number>();
  const yearStart = Date.UTC(2025, 0, 1);
  let serial = 0;
  let workers = 0;

  regencyRows.forEach(([regency], r) => {
    const province = regency.slice(0, 2);
    const districts = districtsOf.get(regency);
    for (let k = 0; k < counts[r]; k++) {
      serial += 1;
      const ref = `N${pad(serial, 6)}`;
      projectRefs.push(ref);
      // A vendored district where the hierarchy has them (South Sulawesi), the regency itself elsewhere.
      const regionCode = districts ? districts[Math.floor(random() * districts.length)] : regency;
      const district6 = (districts ? regionCode : `${regency}.01`).replaceAll('.', '');
      const value = BigInt(Math.round(Math.min(50e9, Math.max(50e6, Math.exp(20.37 + 1.2 * normal(random)))) / 1000) * 1000);
      const contractMs = yearStart + Math.floor(30 + random() * 240) * DAY_MS;
      const startMs = contractMs + 7 * DAY_MS;
      const endMs = startMs + Math.floor(60 + random() * 180) * DAY_MS;
      const maintenanceEndMs = endMs + 180 * DAY_MS;
      const contractNumber = `SPK/${regency}/${ref}/2025`;
      const npwp = companyNpwp(serial);
      const agency = AGENCIES[Math.floor(random() * AGENCIES.length)];
      const amended = random() < 0.2;
      const finalValue = amended ? (value * 11n) / 10n : value;
      const finalEndMs = amended ? endMs + 30 * DAY_MS : endMs;
      const event = (type: string, n: string, occurredMs: number, data: Record<string, unknown>) => ({
        province,
        event: { eventId: `nat-${ref}-${n}`, type, occurredAt: at(occurredMs), projectRef: ref, data },
      });

      waves[0].events.push(
        event('ProjectRegistered', 'reg', contractMs + 2 * DAY_MS, {
          name: `${WORK[Math.floor(random() * WORK.length)]} ${ref}`,
          agency,
          regionCode,
          workType: 'KONSTRUKSI',
          fundingSource: FUNDING[Math.floor(random() * FUNDING.length)],
          fiscalYear: 2025,
          contractNumber,
          contractDate: isoDate(contractMs),
          contractValue: value.toString(),
          startDate: isoDate(startMs),
          endDate: isoDate(endMs),
          maintenanceEndDate: isoDate(maintenanceEndMs),
          contractor: { npwp, name: `CV Bangun ${ref}`, email: `kontak.${ref.toLowerCase()}@kontraktor.example` },
          ppk: { name: `PPK ${agency.name.split(' ').slice(-1)[0]} ${regency}`, email: `ppk.${regency.replace('.', '')}@pemda.example` },
          estimatedWorkers: 25,
        }),
      );
      if (amended) {
        waves[1].events.push(
          event('ContractAmended', 'amd', contractMs + 40 * DAY_MS, {
            addendumNumber: `ADD-1/${contractNumber}`,
            contractValue: finalValue.toString(),
            endDate: isoDate(finalEndMs),
            reason: 'Pekerjaan tambah kurang',
          }),
        );
      }
      const rosterSize =
        random() < 0.005 ? 1000 + Math.floor(random() * 800) : Math.max(1, Math.min(900, Math.round(Math.exp(Math.log(25) + 0.8 * normal(random)))));
      const first = workerCounters.get(district6) ?? 0;
      workerCounters.set(district6, first + rosterSize);
      workers += rosterSize;
      const roster = Array.from({ length: rosterSize }, (_, i) => ({ nik: nikFor(district6, first + i), name: `Pekerja ${ref}-${i + 1}` }));
      waves[2].events.push(event('WorkersReported', 'wrk', startMs + 3 * DAY_MS, { asOf: isoDate(startMs + 3 * DAY_MS), workers: roster }));
      waves[3].events.push(event('WorkStarted', 'start', startMs, { startedAt: at(startMs, 8) }));
      const termins = 2 + Math.floor(random() * 3);
      for (let t = 1; t <= termins; t++) {
        const requestedMs = startMs + Math.floor(((finalEndMs - startMs) * t) / (termins + 1));
        waves[4].events.push(event('PaymentRequested', `pay${t}`, requestedMs, { terminNumber: t, amount: (finalValue / BigInt(termins)).toString(), requestedAt: at(requestedMs, 10) }));
      }
      if (random() < 0.7) waves[5].events.push(event('ProjectCompleted', 'done', finalEndMs, { completedAt: at(finalEndMs, 9) }));

      if (random() < options.enrolledShare) {
        const premium = computeJakonPremium({ contractValue: finalValue, valueIncludesVat: true, contractDate: isoDate(contractMs) }).total.toString();
        enrolled.push({
          npwp,
          contractNumber,
          projectNumber: pad(1_000_000_000_000 + serial, 13),
          npp: pad(10_000_000 + (serial % 89_999_999), 8),
          status: 'ACTIVE',
          coveredFrom: isoDate(startMs),
          coveredTo: isoDate(maintenanceEndMs),
          contractValue: finalValue.toString(),
          premiumAssessed: premium,
          premiumPaid: premium,
          workersRegistered: rosterSize,
          workerNiks: roster.map((w) => w.nik),
        });
      }
    }
  });
  return { provinces: rowsOf('province').map(([code]) => code), waves, enrolled, projectRefs, regencyCount: regencyRows.length, workers };
}
