import { projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import type { RunningSystem } from './running-system';

export const PUPR = '1.03.0.00.0.00.01.0000';
export const DINKES = '1.02.0.00.0.00.01.0000';

export interface ConsoleFixture {
  /** Open cases, oldest project first: two of Dinas PUPR, one of Dinas Kesehatan. */
  cases: { caseId: string; projectId: string; name: string; agency: string }[];
  compliantProjectId: string;
}

/**
 * A small Sinjai as the console shows it: one project registered and paid at BPJS (compliant), three whose SPK is
 * long past its 14-working-day deadline without enrolment (non-compliant, each with an open case), a coverage target.
 * Everything goes through the real ingest API, verification against the simulator, the relay and the projections.
 */
export async function seedConsoleFixture(system: RunningSystem, admin: string, official: string): Promise<ConsoleFixture> {
  const client = await system.client(`spse-console-${Date.now()}`, ['73.07']);
  system.sim.upsertProjects([
    {
      npwp: '0012345674901000',
      contractNumber: 'SPK/CONSOLE/OK',
      projectNumber: '7307250000001',
      npp: '73070001',
      status: 'ACTIVE',
      coveredFrom: '2025-04-28',
      coveredTo: '2026-04-22',
      contractValue: '2500000000',
      premiumAssessed: '3252703',
      premiumPaid: '3252703',
      workersRegistered: 35,
      workerNiks: [],
    },
  ]);
  const post = (ref: string, data: Record<string, unknown>) => signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, data));
  const ok = await post('console-ok', { name: 'Pembangunan Drainase Jalan Persatuan Raya', contractNumber: 'SPK/CONSOLE/OK', regionCode: '73.07.05' });
  const late = [
    { ref: 'console-late-1', name: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo', regionCode: '73.07.06', agency: PUPR, agencyName: 'Dinas PUPR Kabupaten Sinjai', contractDate: '2025-04-21' },
    { ref: 'console-late-2', name: 'Peningkatan Jalan Tellu Limpoe <Tahap II>', regionCode: '73.07.08', agency: PUPR, agencyName: 'Dinas PUPR Kabupaten Sinjai', contractDate: '2025-05-05' },
    { ref: 'console-late-3', name: 'Pembangunan Puskesmas Pulau Sembilan', regionCode: '73.07.09', agency: DINKES, agencyName: 'Dinas Kesehatan Kabupaten Sinjai', contractDate: '2025-05-19' },
  ];
  const posted: ((typeof late)[number] & { projectId: string })[] = [];
  for (const p of late) {
    const res = await post(p.ref, { name: p.name, contractNumber: `SPK/CONSOLE/${p.ref}`, regionCode: p.regionCode, agency: { code: p.agency, name: p.agencyName }, contractDate: p.contractDate });
    if (res.status !== 202) throw new Error(`posting ${p.ref} answered ${res.status}: ${JSON.stringify(res.body)}`);
    posted.push({ ...p, projectId: res.body.projectId as string });
  }
  const deadline = `${new Date().getUTCFullYear() + 1}-12-31`;
  const target = await fetch(`${system.baseUrl}/v1/coverage/targets/73.07`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ metric: 'projects', targetPercent: 60, deadline }),
  });
  if (target.status >= 300) throw new Error(`setting the target answered ${target.status}`);
  const cases = await waitFor(
    async () => (await (await fetch(`${system.baseUrl}/v1/cases?status=OPEN&order=oldest`, { headers: { authorization: `Bearer ${official}` } })).json()) as { items: { caseId: string; projectId: string }[] },
    (list) => posted.every((p) => list.items.some((c) => c.projectId === p.projectId)),
    60_000,
  );
  await waitFor(
    async () => (await (await fetch(`${system.baseUrl}/v1/coverage/regions/73.07`, { headers: { authorization: `Bearer ${official}` } })).json()) as { projects: { total: number; registered: number } },
    (r) => r.projects.total === 4 && r.projects.registered === 1,
    60_000,
  );
  return {
    cases: posted.map((p) => ({ caseId: cases.items.find((c) => c.projectId === p.projectId)!.caseId, projectId: p.projectId, name: p.name, agency: p.agency })),
    compliantProjectId: ok.body.projectId,
  };
}

/** A tiny cookie jar over fetch that follows redirects by hand, as a browser would, within one origin. */
export class Browserless {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request(method: string, url: string, body?: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const target = new URL(url, this.baseUrl);
    const res = await fetch(target, {
      method,
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = pair.split('=');
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    return res;
  }

  /** GET `url` and follow redirects (up to 10); the last response and every Set-Cookie line seen. */
  async follow(url: string, method = 'GET', body?: Record<string, string>): Promise<{ res: Response; url: string; setCookies: string[] }> {
    let res = await this.request(method, url, body);
    let at = new URL(url, this.baseUrl).href;
    const setCookies = [...res.headers.getSetCookie()];
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get('location')!, at).href;
      res = await this.request('GET', at);
      setCookies.push(...res.headers.getSetCookie());
    }
    return { res, url: at, setCookies };
  }
}
