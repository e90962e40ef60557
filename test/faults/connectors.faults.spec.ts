import { createServer, request as forward, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { todayWita } from '@sinergi/domain';
import { freePort } from '@sinergi/local-services';
import { waitFor } from '@sinergi/testing';
import { inaprocRows, type InaprocFixture, startInaprocFixture } from '../support/inaproc-fixture';
import { type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong } from './support/scenario';

const KONTRAK = 'tender/tender-ekontrak-kontrak';
/** The schedule pulls the current fiscal year (WITA) and the one before: the rows are the year before's. */
const year = Number(todayWita(new Date()).slice(0, 4)) - 1;

/**
 * INAPROC as the worker reaches it, through a forwarder the test can pull the plug on: `cutWhen` makes the forwarder
 * drop the connection of the first request it matches and stop listening (INAPROC unreachable) until `restore`.
 */
async function startCuttableForwarder(target: string) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let cutWhen: ((url: URL) => boolean) | null = null;
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', target);
        if (cutWhen?.(url)) {
          cutWhen = null;
          req.socket.destroy();
          void forwarder.cut();
          return;
        }
        const upstream = forward(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  const forwarder = {
    url: `http://127.0.0.1:${port}`,
    armCut: (when: (url: URL) => boolean) => void (cutWhen = when),
    down: false,
    cut: async () => {
      forwarder.down = true;
      const closing = new Promise((resolve) => server?.close(resolve));
      for (const s of sockets) s.destroy();
      await closing;
    },
    restore: async () => {
      await listen();
      forwarder.down = false;
    },
    close: () => forwarder.cut(),
  };
  await listen();
  return forwarder;
}

describeLong('connectors: INAPROC unreachable in the middle of a pull', () => {
  let system: FaultSystem;
  let inaproc: InaprocFixture;
  let forwarder: Awaited<ReturnType<typeof startCuttableForwarder>>;

  beforeAll(async () => {
    inaproc = await startInaprocFixture({ pageSize: 2 });
    inaproc.set(KONTRAK, year, [30001, 30002, 30003, 30004, 30005].map((n) => inaprocRows.kontrak(n)));
    forwarder = await startCuttableForwarder(inaproc.url);
    system = await startFaultSystem('connectors', {
      env: { INAPROC_API_URL: forwarder.url, INAPROC_TOKEN: inaproc.token, INAPROC_KLPD: 'D123', INAPROC_REGION: '73.07', INAPROC_PULL_EVERY: 'PT5S' },
    });
  });
  afterAll(async () => {
    await system?.stop();
    await forwarder?.close();
    await inaproc?.close();
  });

  const registrations = async () =>
    (
      await system.db.pool.query<{ ref: string; n: number }>(
        `SELECT metadata->>'sourceEventId' AS ref, count(*)::int AS n FROM events WHERE type = 'ProjectRegistered' GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
  const cursor = async () =>
    (await system.db.pool.query(`SELECT cursor FROM connector_cursors WHERE endpoint = $1 AND fiscal_year = $2`, [KONTRAK, year])).rows[0]?.cursor ?? null;

  it('keeps the cursor after the last page it settled, and the next scheduled pull goes on from there: every contract recorded once', async () => {
    // The second page of contracts is where INAPROC goes away.
    forwarder.armCut((url) => url.pathname.endsWith(KONTRAK) && url.searchParams.get('cursor') !== null);
    const first = await system.worker();
    await first.waitForOutput('the next pull resumes from its cursor', 60_000);
    expect(forwarder.down).toBe(true);
    const afterFirst = await registrations();
    expect(afterFirst.length).toBe(2);
    const kept = await cursor();
    expect(kept).not.toBeNull();
    await first.stop('SIGTERM');

    await forwarder.restore();
    const asked = inaproc.requests.length;
    // The next scheduled pull (every 5 s here) of a new worker.
    const second = await system.worker();
    await waitFor(registrations, (r) => r.length === 5, 60_000);
    await second.stop('SIGTERM');
    // It asked INAPROC from the kept cursor, not from the first page again.
    const kontrak = inaproc.requests.slice(asked).filter((r) => r.path.endsWith(KONTRAK) && r.tahun === String(year));
    expect(kontrak[0].cursor).toBe(kept);
    expect((await registrations()).every((r) => r.n === 1)).toBe(true);
    await expectInvariants(system);
  });
});
