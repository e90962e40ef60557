import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@sinergi/local-services';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/** One node of a test cluster as CLUSTER NODES describes it. */
export interface ClusterNode {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** A replica's master id; null for a master. */
  masterId: string | null;
  /** Slot ranges a master serves, e.g. [[0, 5460]]. */
  slots: Array<[number, number]>;
}

/** A private Redis Cluster of three masters and three replicas on loopback, for one test file. */
export interface TestRedisCluster {
  ports: number[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`, as REDIS_CLUSTER_NODES takes it. */
  nodesEnv: string;
  /** redis-cli against one node; returns its output, trimmed. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The cluster's nodes as the node on `port` sees them now. */
  nodes(port?: number): Promise<ClusterNode[]>;
  /** The hash slot of a key (CLUSTER KEYSLOT). */
  keySlot(key: string): Promise<number>;
  /** The master serving `slot` now. */
  masterOf(slot: number): Promise<ClusterNode>;
  /** Waits until every node reports cluster_state:ok and agrees on who serves every slot. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  return dirs
    .map((dir) => join(dir, name))
    .find((path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** redis-server and redis-cli, or why a cluster cannot be started here (Debian: packages redis-server and redis-tools). */
export function redisClusterBinaries(): { server: string; cli: string } | string {
  const server = findBinary('redis-server');
  const cli = findBinary('redis-cli');
  if (!server || !cli) return `${!server ? 'redis-server' : 'redis-cli'} is not installed (apt-get install -y --no-install-recommends redis-server redis-tools)`;
  return { server, cli };
}

function parseNodes(text: string): ClusterNode[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.trim().split(' ');
      return {
        id,
        port: Number(address.split('@')[0].split(':').pop()),
        role: flags.includes('master') ? 'master' : 'replica',
        masterId: master === '-' ? null : master,
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => s.split('-').map(Number) as [number, number]).map(([a, b]) => [a, b ?? a] as [number, number]),
      };
    });
}

/**
 * Starts three masters and three replicas (`redis-server --cluster-enabled yes`, no persistence) in a temp dir, joins
 * them with `redis-cli --cluster create --cluster-replicas 1` and waits for cluster_state:ok. `stop` kills every node
 * and removes the dir.
 */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const binaries = redisClusterBinaries();
  if (typeof binaries === 'string') throw new Error(binaries);
  const dir = await mkdtemp(join(tmpdir(), 'sinergi-redis-cluster-'));
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.on('exit', killAll);
  const ports: number[] = [];
  const cli = async (port: number, ...args: string[]) => (await run(binaries.cli, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 })).stdout.trim();

  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    process.off('exit', killAll);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      const busPort = await freePort();
      ports.push(port);
      // prettier-ignore
      const child = spawn(binaries.server, [
        '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--dir', dir,
        '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      ], { stdio: 'ignore' });
      children.push(child);
    }
    for (const port of ports) await waitFor(() => cli(port, 'ping').catch(() => ''), (out) => out === 'PONG', 10_000);
    await run(binaries.cli, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });

    const nodes = async (port = ports[0]) => parseNodes(await cli(port, 'cluster', 'nodes'));
    const waitUntilOk = async (timeoutMs = 30_000) => {
      await waitFor(
        async () => {
          const views = await Promise.all(ports.map(async (p) => ({ info: await cli(p, 'cluster', 'info').catch(() => ''), nodes: await nodes(p).catch(() => []) })));
          return views.every((v) => /cluster_state:ok/.test(v.info)) && new Set(views.map((v) => owners(v.nodes))).size === 1 && views[0].nodes.filter((n) => n.role === 'replica').length === 3;
        },
        (ok) => ok,
        timeoutMs,
        100,
      );
    };
    await waitUntilOk(60_000);
    return {
      ports,
      nodesEnv: ports.map((p) => `127.0.0.1:${p}`).join(','),
      cli,
      nodes,
      keySlot: async (key) => Number(await cli(ports[0], 'cluster', 'keyslot', key)),
      masterOf: async (slot) => {
        const master = (await nodes()).find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
        if (!master) throw new Error(`no master serves slot ${slot}`);
        return master;
      },
      waitUntilOk,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Which node serves which slots, as one comparable string. */
function owners(nodes: ClusterNode[]): string {
  return nodes
    .filter((n) => n.role === 'master')
    .map((n) => `${n.port}:${JSON.stringify(n.slots)}`)
    .sort()
    .join('|');
}
