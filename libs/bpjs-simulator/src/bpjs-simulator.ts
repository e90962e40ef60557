import { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fastify, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProjectRegistry } from './project-registry';
import { readProjectStateFile, writeProjectStateFile } from './project-state-file';
import { isNpwp, parseSimulatedProjects, parseWorkersLookup, SimulatedProject, SimulatorInputError } from './simulated-project';
import { mergeFaults, NO_FAULTS, RateWindow, SimulatorFaults } from './simulator-faults';

/** One `/jakon/*` call as the simulator saw it; NIKs are counted, never kept. */
export interface SimulatorCall {
  method: string;
  path: string;
  npwp?: string;
  contractNumber?: string;
  projectNumber?: string;
  nikCount?: number;
  /** HTTP status answered; null while the call is held by a timeout fault. */
  status: number | null;
  /** ISO 8601 time the call arrived. */
  at: string;
}

export interface BpjsSimulator {
  url: string;
  port: number;
  /** The file the projects are kept in, when `stateFile` was given. */
  stateFile: string | null;
  /** How many projects the simulator holds now (those read from `stateFile` at start, then every change). */
  projectCount(): number;
  close(): Promise<void>;
  upsertProjects(projects: SimulatedProject[]): void;
  clear(): void;
  setFaults(faults: Partial<SimulatorFaults>): void;
  calls(): SimulatorCall[];
}

export interface BpjsSimulatorOptions {
  /** 0 picks a random free port. @defaultValue 0 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Source of the fault dice, injectable for deterministic tests. @defaultValue Math.random */
  random?: () => number;
  /** Log requests (method and path only, never query or body). @defaultValue false */
  logger?: boolean;
  /**
   * A JSON file that keeps the projects across restarts: read at start (missing means none), rewritten atomically
   * after every change through `PUT`/`DELETE /__sim/projects` or the methods. Faults and the call log are not kept.
   * Without it the projects live in memory only. @defaultValue undefined
   */
  stateFile?: string;
}

/** Oldest calls are dropped beyond this, so a long demo does not grow without bound. */
const MAX_LOGGED_CALLS = 10_000;
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

const pathOf = (url: string) => url.split('?')[0];
const textOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Starts the fake BPJS Ketenagakerjaan Jakon API with its `/__sim/*` controls; resolves once it listens. */
export async function startBpjsSimulator(options: BpjsSimulatorOptions = {}): Promise<BpjsSimulator> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const registry = new ProjectRegistry();
  const stateFile = options.stateFile ?? null;
  if (stateFile) registry.replace(readProjectStateFile(stateFile));
  const rateWindow = new RateWindow();
  const callOf = new WeakMap<FastifyRequest, SimulatorCall>();
  let faults = NO_FAULTS;
  let log: SimulatorCall[] = [];

  const app = fastify({
    forceCloseConnections: true,
    bodyLimit: BODY_LIMIT_BYTES,
    logger: options.logger ? { serializers: { req: (req) => ({ method: req.method, path: pathOf(req.url) }) } } : false,
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (error instanceof SimulatorInputError) return reply.code(400).send({ code: 'BAD_REQUEST', message: error.message });
    const status = error.statusCode ?? 500;
    return reply.code(status).send({ code: error.code ?? 'ERROR', message: STATUS_CODES[status] });
  });

  const jakonRoutes = async (jakon: FastifyInstance) => {
    jakon.addHook('onRequest', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const call: SimulatorCall = {
        method: request.method,
        path: pathOf(request.url),
        npwp: textOrUndefined(query.npwp),
        contractNumber: textOrUndefined(query.contractNumber),
        status: null,
        at: new Date().toISOString(),
      };
      callOf.set(request, call);
      log.push(call);
      if (log.length > MAX_LOGGED_CALLS) log.shift();
      return injectFaults(reply);
    });
    jakon.addHook('onSend', async (request, reply, payload) => {
      const call = callOf.get(request);
      if (call) call.status = reply.statusCode;
      return payload;
    });

    jakon.get('/v1/projects', async (request, reply) => {
      const { npwp, contractNumber } = request.query as Record<string, unknown>;
      if (!isNpwp(npwp)) throw new SimulatorInputError('npwp must be 16 digits');
      if (typeof contractNumber !== 'string' || contractNumber.trim() === '') {
        throw new SimulatorInputError('contractNumber is required');
      }
      const project = registry.findByContract(npwp, contractNumber);
      if (!project) return reply.code(404).send({ code: 'NOT_FOUND' });
      const { projectNumber, npp, status, coveredFrom, coveredTo, contractValue, premiumAssessed, premiumPaid, workersRegistered } = project;
      return { projectNumber, npp, status, coveredFrom, coveredTo, contractValue, premiumAssessed, premiumPaid, workersRegistered };
    });

    jakon.post('/v1/workers/lookup', async (request, reply) => {
      noteLookup(request);
      const { projectNumber, niks } = parseWorkersLookup(request.body);
      const project = registry.findByProjectNumber(projectNumber);
      if (!project) return reply.code(404).send({ code: 'NOT_FOUND' });
      return { results: niks.map((nik) => ({ nik, covered: project.workerNiks.has(nik) })) };
    });
  };

  /** Order: rate limit, latency, timeout, error, malformed body; dice are thrown only for rates above 0. */
  async function injectFaults(reply: FastifyReply): Promise<unknown> {
    const retryAfterSeconds = rateWindow.admit(faults.rateLimitPerSecond, Date.now());
    if (retryAfterSeconds > 0) {
      return reply.code(429).header('retry-after', String(retryAfterSeconds)).send({ code: 'RATE_LIMITED' });
    }
    const latency = faults.latencyMaxMs > faults.latencyMs ? faults.latencyMs + Math.floor(random() * (faults.latencyMaxMs - faults.latencyMs + 1)) : faults.latencyMs;
    if (latency > 0) await sleep(latency);
    if (faults.timeoutRate > 0 && random() < faults.timeoutRate) return new Promise<never>(() => {});
    if (faults.errorRate > 0 && random() < faults.errorRate) {
      return reply.code(faults.errorStatus).send({ code: 'UNAVAILABLE' });
    }
    if (faults.malformedRate > 0 && random() < faults.malformedRate) {
      return reply.code(200).header('content-type', 'application/json').send('{"projectNumber":"73072');
    }
    return undefined;
  }

  function noteLookup(request: FastifyRequest): void {
    const call = callOf.get(request);
    if (!call) return;
    const body = (request.body ?? {}) as Record<string, unknown>;
    call.projectNumber = textOrUndefined(body.projectNumber);
    if (Array.isArray(body.niks)) call.nikCount = body.niks.length;
  }

  /** Applies a change to the projects and keeps it in the state file; a change that cannot be kept is undone. */
  const changeProjects = (change: () => void) => {
    const before = stateFile ? registry.all() : [];
    change();
    if (!stateFile) return;
    try {
      writeProjectStateFile(stateFile, registry.all());
    } catch (error) {
      registry.replace(before);
      throw error;
    }
  };
  const upsertProjects = (input: unknown) => {
    const projects = parseSimulatedProjects(input);
    changeProjects(() => registry.upsert(projects));
  };
  const clearProjects = () => changeProjects(() => registry.clear());
  const setFaults = (update: unknown) => {
    faults = mergeFaults(faults, update);
  };
  const calls = () => log.map((call) => ({ ...call }));

  await app.register(jakonRoutes, { prefix: '/jakon' });
  app.put('/__sim/projects', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    upsertProjects(body.projects);
    return { upserted: (body.projects as unknown[]).length };
  });
  app.delete('/__sim/projects', async (_request, reply) => {
    clearProjects();
    return reply.code(204).send();
  });
  app.get('/__sim/faults', async () => faults);
  app.put('/__sim/faults', async (request) => {
    setFaults(request.body ?? {});
    return faults;
  });
  app.get('/__sim/calls', async () => ({ calls: calls() }));
  app.delete('/__sim/calls', async (_request, reply) => {
    log = [];
    return reply.code(204).send();
  });

  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stateFile,
    projectCount: () => registry.size,
    close: () => app.close(),
    upsertProjects,
    clear: clearProjects,
    setFaults,
    calls,
  };
}
