import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isRegionScope, isRole, POSITIONS, type Position, type Role } from '@sinergi/auth/principal';
import { ConfigError, DomainError, loadConfig, type SinergiConfig, systemClock } from '@sinergi/common';
import { CliFailure, explainFailure, type FailureContext, UsageError } from './cli-failures';
import { LOCAL_STATE_DIR, localEnvironment } from './platform/local-state';
import { PROJECTIONS } from './projections';
import type { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';

/** Loaded by a command when it runs, not by the parser: `--help` and usage errors answer without it. */
const runtime = (): typeof import('./cli-runtime') => require('./cli-runtime');

const print = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

/** What the running command was pointed at, for plain messages when that is missing or does not answer. */
const context: FailureContext = { localDir: LOCAL_STATE_DIR };

/** How long a command waits for PostgreSQL to answer before saying it cannot reach it. */
const DATABASE_PROBE_MS = 5000;

/**
 * The system's configuration: the environment, or, when SINERGI_MODE is unset and `npm run start:local` runs in
 * this checkout, that system's (its addresses and generated secrets in .local/).
 */
function systemConfig(): SinergiConfig {
  const local = localEnvironment();
  if (local) note('(using the local system that npm run start:local is running)');
  context.fromLocalSystem = local !== null;
  const env = { ...process.env, ...local };
  context.databaseUrl = env.DATABASE_URL;
  const config = loadConfig(env);
  context.databaseUrl = config.databaseUrl;
  context.redisUrl = config.redisUrl;
  return config;
}

/** Fails at once, in words, when PostgreSQL does not answer (the pool itself would retry for half a minute). */
async function requireDatabase(url: string): Promise<void> {
  context.databaseUrl = url;
  const client = new (runtime().Client)({ connectionString: url, connectionTimeoutMillis: DATABASE_PROBE_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withApp<T>(config: SinergiConfig, run: (get: <S>(token: new (...a: any[]) => S) => S) => Promise<T>): Promise<T> {
  await requireDatabase(config.databaseUrl);
  const { NestFactory, CliModule } = runtime();
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    return await run((token) => app.get(token));
  } finally {
    await app.close();
  }
}

/** The client, or a plain refusal naming it: no command reports success for a client that does not exist. */
async function requireClient(clients: ProcurementClientRepository, id: string): Promise<void> {
  if (await clients.findById(id)) return;
  throw new CliFailure(`no procurement client "${id}" exists`, 'Clients are created with `npm run cli -- clients:create --id ID --name NAME --regions 73.07`.');
}

// ——— argument parsers: a bad value is refused by the parser, naming the option, before anything runs ———

const positiveInteger = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('It must be a whole number from 1.');
  return Number(value);
};

const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('It must be a whole number from 0.');
  return Number(value);
};

const commaList = (what: string, valid: (v: string) => boolean, expected: string) => (value: string): string[] => {
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError(`It needs at least one ${what}.`);
  const bad = items.filter((v) => !valid(v));
  if (bad.length) throw new InvalidArgumentError(`${bad.join(', ')}: not ${expected}.`);
  return items;
};

/** Durations as jose reads them: `30m`, `8h`, `2 days`. */
const DURATION = /^\d+(?:\.\d+)?\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i;
const duration = (value: string): string => {
  if (!DURATION.test(value.trim())) throw new InvalidArgumentError('It must be a duration such as 30m, 8h or 2d.');
  return value.trim();
};

const NEEDS_SYSTEM = [
  '',
  'Needs the system\'s configuration (DATABASE_URL, SECRETS_KEY, …) from the environment, or a running',
  '`npm run start:local` in this checkout (used when SINERGI_MODE is unset).',
].join('\n');

function buildProgram(): Command {
  const program = new Command('npm run cli --')
    .description('Sinergi\'s operator tool: migrations, procurement clients, imports, projections, tokens and the audit log.')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false, helpWidth: 120 });
  const version = packageVersion();
  if (version) program.version(version, '-V, --version', 'print the version');
  program.addHelpText(
    'after',
    [
      '',
      'Configuration: commands read DATABASE_URL, SECRETS_KEY and the rest from the environment (.env.example lists',
      'them, docs/operations.md explains them). With SINERGI_MODE unset and `npm run start:local` running in this',
      `checkout, they use that system instead (${LOCAL_STATE_DIR}). audit:verify needs no configuration.`,
      '',
      'Exit codes: 0 done; 1 refused or failed (bad usage, missing configuration, a system that does not answer,',
      'an unknown client); 2 done with findings (rejected rows, differences, a failed verification).',
      '',
      'Run `npm run cli -- <command> --help` for a command\'s options; nothing is done when --help is given.',
    ].join('\n'),
  );

  program
    .command('migrate')
    .description('apply pending database migrations (as the owner); with DATABASE_APP_USER and DATABASE_APP_PASSWORD, also create that login for the API and the worker')
    .addHelpText('after', `${NEEDS_SYSTEM}\nThe login is a member of sinergi_app: it cannot rewrite the event log (docker-compose.yml runs this first).`)
    .action(async () => {
      const config = systemConfig();
      const user = process.env.DATABASE_APP_USER;
      const password = process.env.DATABASE_APP_PASSWORD;
      if (user && !password) throw new ConfigError('DATABASE_APP_PASSWORD is required with DATABASE_APP_USER');
      await requireDatabase(config.databaseUrl);
      const { runMigrations, ensureAppLogin } = runtime();
      const applied = await runMigrations(config.databaseUrl);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      // The API and the worker connect as a least-privilege login, which the owner creates here (docker-compose.yml).
      if (!user) return;
      await ensureAppLogin(config.databaseUrl, { user, password: password! });
      print(`login ${user} is a member of sinergi_app (it cannot rewrite the event log): the API and the worker connect as it`);
    });

  program
    .command('clients:create')
    .description('create a procurement client (an SPSE or SIRUP instance) and print its signing secret once')
    .requiredOption('--id <id>', 'client id: 2 to 63 lowercase letters, digits or hyphens')
    .requiredOption('--name <name>', 'what officials see, e.g. "SPSE Kabupaten Sinjai"')
    .requiredOption('--regions <codes>', 'the region codes it may report on, comma-separated, e.g. 73.07 or 73.07,73.08', commaList('region code', isRegionScope, 'a Kemendagri region code'))
    .option('--source <system>', 'source system name recorded with its events (default: the id)')
    .option('--rate-limit <n>', 'requests per minute allowed (default: RATE_LIMIT_PER_MINUTE)', positiveInteger)
    .option('--webhook <url>', 'where payment holds and clearances are sent')
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (options: { id: string; name: string; regions: string[]; source?: string; rateLimit?: number; webhook?: string }) => {
      const config = systemConfig();
      const { ProcurementClientRepository } = runtime();
      const { client, secret } = await withApp(config, (get) =>
        get(ProcurementClientRepository).create({
          id: options.id,
          name: options.name,
          regionScopes: options.regions,
          sourceSystem: options.source,
          rateLimitPerMinute: options.rateLimit,
          webhookUrl: options.webhook,
        }),
      );
      print(`client ${client.id} created for regions ${client.regionScopes.join(', ')}`);
      print(`secret (shown once, store it now): ${secret}`);
    });

  program
    .command('clients:rotate-secret')
    .description('add a new secret for a client; the previous one stays valid until clients:retire-old-secrets')
    .argument('<id>', 'the client id')
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (id: string) => {
      const config = systemConfig();
      const secret = await withApp(config, async (get) => {
        const clients = get(runtime().ProcurementClientRepository);
        await requireClient(clients, id);
        return clients.rotateSecret(id);
      });
      print(`new secret for ${id} (shown once): ${secret}`);
    });

  program
    .command('clients:retire-old-secrets')
    .description('keep only the newest secret of a client, ending a rotation')
    .argument('<id>', 'the client id')
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (id: string) => {
      const config = systemConfig();
      await withApp(config, async (get) => {
        const clients = get(runtime().ProcurementClientRepository);
        await requireClient(clients, id);
        await clients.retireOldSecrets(id);
      });
      print(`only the newest secret of ${id} is active now`);
    });

  program
    .command('bpjs:import')
    .description('import a BPJS branch CSV of registered projects (exit 2 when lines were rejected)')
    .argument('<file>', 'CSV with header project_number,npp,npwp,contract_number,covered_from,covered_to,premium_assessed,premium_paid[,status,workers_registered]')
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (file: string) => {
      const text = readFileSync(file, 'utf8');
      const config = systemConfig();
      const { importBranchFile, PoolHolder } = runtime();
      const result = await withApp(config, (get) => importBranchFile(get(PoolHolder).pool, text, basename(file)));
      print(`imported ${result.imported} project(s) from ${basename(file)}`);
      for (const r of result.rejected) print(`  line ${r.line}: ${r.reason}`);
      if (result.rejected.length) process.exitCode = 2;
    });

  program
    .command('holidays:import')
    .description('import one year of national holidays and cuti bersama, and recount the registration deadlines it moves (exit 2 for a bad file)')
    .argument('<file>', 'CSV date,name,kind[,region_prefix][,provisional]; kinds national, cuti_bersama, regional')
    .option('--source <decree>', 'the decree it comes from (default: the file name)')
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (file: string, options: { source?: string }) => {
      const { parseHolidaysCsv, importHolidays, PoolHolder, EventStore } = runtime();
      let parsed: ReturnType<typeof parseHolidaysCsv>;
      try {
        parsed = parseHolidaysCsv(readFileSync(file, 'utf8'));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        print(`${basename(file)}: ${error.message}`);
        for (const e of error.errors) print(`  ${e.message}`);
        process.exitCode = 2;
        return;
      }
      const config = systemConfig();
      const report = await withApp(config, (get) => importHolidays(get(PoolHolder).pool, get(EventStore), systemClock, parsed, options.source ?? basename(file)));
      print(`imported ${report.holidays} holiday(s) of ${report.year} from ${basename(file)}`);
      print(`  active projects checked: ${report.projectsChecked}; deadlines recomputed: ${report.deadlinesMoved}; still provisional: ${report.stillProvisional}`);
    });

  program
    .command('segments:import')
    .description('import the enrolment of other worker segments (exit 2 when lines were rejected)')
    .argument('<file>', 'CSV region_code,segment,period,enrolled,eligible')
    .addOption(new Option('--source <source>', 'where the figures come from').choices(['BPJS_FILE', 'ADMIN']).default('BPJS_FILE'))
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (file: string, options: { source: 'BPJS_FILE' | 'ADMIN' }) => {
      const text = readFileSync(file, 'utf8');
      const config = systemConfig();
      const { importSegmentsFile, PoolHolder, EventStore } = runtime();
      const result = await withApp(config, (get) =>
        importSegmentsFile({ store: get(EventStore), pool: get(PoolHolder).pool, clock: systemClock }, text, { sourceFile: basename(file), source: options.source }),
      );
      print(`recorded ${result.recorded} report(s) from ${basename(file)}${result.unchanged ? `; ${result.unchanged} unchanged` : ''}`);
      for (const r of result.rejected) print(`  line ${r.line}: ${r.reason}`);
      if (result.rejected.length) process.exitCode = 2;
    });

  program
    .command('token')
    .description('mint a signed-in user\'s bearer token for a local or test system (production uses its identity provider)')
    .requiredOption('--roles <roles>', 'official, auditor and/or admin, comma-separated', commaList('role', isRole, 'a role (official, auditor, admin)'))
    .requiredOption('--regions <codes>', 'region scopes, comma-separated: 73.07, or * for every region', commaList('region scope', isRegionScope, 'a region code or *'))
    .addOption(new Option('--position <position>', 'ladder position of an official').choices([...POSITIONS]))
    .option('--sub <id>', 'subject id (default: local-<first role>)')
    .option('--name <name>', 'display name')
    .option('--agency <code>', 'agency code of the official')
    .option('--permissions <list>', 'extra grants, comma-separated, e.g. pii:read', commaList('permission', (p) => /^[a-z]+:[a-z]+$/.test(p), 'a permission such as pii:read'))
    .option('--expires <duration>', 'lifetime, e.g. 30m, 8h, 2d', duration, '8h')
    .addHelpText(
      'after',
      [
        '',
        'Needs the JWT secret of the system the token is for: a running `npm run start:local` in this checkout, or',
        'SINERGI_MODE=local|test with JWT_SECRET and SECRETS_KEY. Prints the token alone, so it can be captured:',
        '  TOKEN=$(npm run -s cli -- token --roles official --regions 73.07 --position KEPALA_DINAS)',
      ].join('\n'),
    )
    .action(async (options: { roles: Role[]; regions: string[]; position?: Position; sub?: string; name?: string; agency?: string; permissions?: string[]; expires: string }) => {
      const config = systemConfig();
      if (config.mode === 'production') {
        throw new CliFailure(
          'token mints tokens for local and test systems only; in production, users sign in through your identity provider.',
          `For the local system, start \`npm run start:local\` first (none is running in ${LOCAL_STATE_DIR}); this command then uses its JWT secret.`,
        );
      }
      if (!config.jwt.secret) throw new CliFailure('this system verifies tokens with JWT_JWKS_URL, not a shared JWT_SECRET: a token minted here would not be accepted.');
      const token = await runtime().mintLocalToken(
        config.jwt.secret,
        {
          sub: options.sub ?? `local-${options.roles[0]}`,
          name: options.name,
          roles: options.roles,
          regions: options.regions,
          position: options.position,
          agency: options.agency,
          permissions: options.permissions,
        },
        { issuer: config.jwt.issuer, audience: config.jwt.audience, expiresIn: options.expires },
      );
      print(token);
    });

  const projectionName = () => new Argument('<name>', 'the projection').choices(Object.keys(PROJECTIONS));
  program
    .command('projections:rebuild')
    .description('rebuild a projection from position 0 beside the live one, compare, and swap it in')
    .addArgument(projectionName())
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (name: string) => {
      const config = systemConfig();
      const { rebuildProjectionByName, formatRebuildReport, PoolHolder, EventStore } = runtime();
      const report = await withApp(config, (get) => rebuildProjectionByName(get(PoolHolder).pool, get(EventStore), name, true, print));
      for (const line of formatRebuildReport(report)) print(line);
    });

  program
    .command('projections:check')
    .description('rebuild a projection into a shadow and report every row where live ≠ rebuilt (exit 2 if any)')
    .addArgument(projectionName())
    .addHelpText('after', NEEDS_SYSTEM)
    .action(async (name: string) => {
      const config = systemConfig();
      const { rebuildProjectionByName, formatRebuildReport, PoolHolder, EventStore } = runtime();
      const report = await withApp(config, (get) => rebuildProjectionByName(get(PoolHolder).pool, get(EventStore), name, false, print));
      for (const line of formatRebuildReport(report)) print(line);
      if (report.differences > 0) process.exitCode = 2;
    });

  program
    .command('invariants')
    .description('check the system\'s invariants against its database and say what is violated, with counts and example ids (exit 1 if any)')
    .option('--json', 'print the report as JSON (`{ ok, checks: [{ name, ok, violations, examples, detail }] }`)')
    .option('--only <names>', 'check only these invariants, comma-separated', commaList('invariant', (v) => /^[a-z_-]+$/.test(v), 'an invariant name'))
    .option('--grace <seconds>', 'how long past due a ladder level may still be waiting', wholeNumber, 120)
    .option('--examples <n>', 'example ids listed per invariant', positiveInteger, 5)
    .option('--require-checkpoint', 'fail the hash-chain check when no checkpoint has been signed yet')
    .option('--no-jobs', 'search the database alone for personal data, not the BullMQ job payloads in Redis too')
    .addHelpText(
      'after',
      `${NEEDS_SYSTEM}\nRun it as the database owner: the projection check rebuilds into shadow tables beside the live ones and drops them.\n` +
        'The invariants are listed in docs/operations.md (Invariants). Exit codes: 0 all hold; 1 a violation, or the check could not run.',
    )
    .action(async (options: { json?: boolean; only?: string[]; grace: number; examples: number; requireCheckpoint?: boolean; jobs: boolean }) => {
      const config = systemConfig();
      const { checkInvariants, formatInvariantReport, INVARIANT_NAMES, PoolHolder } = runtime();
      const unknown = (options.only ?? []).filter((n) => !INVARIANT_NAMES.includes(n));
      if (unknown.length) throw new UsageError(`unknown invariant(s) ${unknown.join(', ')}; known: ${INVARIANT_NAMES.join(', ')}`);
      const report = await withApp(config, (get) =>
        checkInvariants(get(PoolHolder).pool, {
          only: options.only,
          dueGraceMs: options.grace * 1000,
          examples: options.examples,
          requireCheckpoint: options.requireCheckpoint ?? false,
          // Job payloads too, on a single Redis (a cluster's keys are spread over its nodes: the database alone then).
          jobs: options.jobs && !config.redisClusterNodes ? { url: config.redisUrl, prefix: config.queuePrefix } : undefined,
        }),
      );
      if (options.json) print(JSON.stringify(report, null, 2));
      else for (const line of formatInvariantReport(report)) print(line);
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command('audit:verify')
    .description('check a checkpoint\'s signature offline; with a database, every hash chain and the Merkle root too (exit 2 on any failure)')
    .option('--checkpoint <file>', 'a checkpoint document (audit:checkpoint --out, or GET /v1/audit/checkpoints/{id})')
    .option('--public-key <pem-file>', 'the signing key\'s public half to pin (default: the key named in the document)')
    .option('--database <url>', 'the database to check (default: DATABASE_URL, else the running start:local\'s)')
    .option('--offline', 'check the signature alone, with no database')
    .addHelpText('after', '\nNeeds no Sinergi configuration or secrets: an auditor runs it on their own machine.')
    .action(async (options: { checkpoint?: string; publicKey?: string; database?: string; offline?: boolean }) => {
      if (options.offline && options.database) throw new UsageError('give --database or --offline, not both');
      const local = options.offline || options.database || process.env.DATABASE_URL ? null : localEnvironment();
      if (local) note('(using the local system that npm run start:local is running)');
      // The database is the one named, else DATABASE_URL, else the running start:local's; --offline checks the signature alone.
      const databaseUrl = options.offline ? undefined : (options.database ?? process.env.DATABASE_URL ?? local?.DATABASE_URL);
      if (!options.checkpoint && !databaseUrl) throw new UsageError('audit:verify needs --checkpoint FILE, a database (--database URL or DATABASE_URL), or both');
      context.databaseUrl = databaseUrl;
      const { checkCheckpointOffline, formatOfflineReport } = runtime();
      const report = await checkCheckpointOffline({
        document: options.checkpoint ? JSON.parse(readFileSync(options.checkpoint, 'utf8')) : undefined,
        publicKeyPem: options.publicKey ? readFileSync(options.publicKey, 'utf8') : undefined,
        databaseUrl,
        databaseRequired: options.database !== undefined || !options.checkpoint,
        onProgress: (n) => note(`  … ${n} events read`),
      });
      for (const line of formatOfflineReport(report)) print(line);
      if (!report.ok) process.exitCode = 2;
    });

  program
    .command('audit:checkpoint')
    .description('sign a checkpoint of the log head now, with AUDIT_SIGNING_KEY')
    .option('--out <file>', 'also save the checkpoint document there, for audit:verify --checkpoint')
    .addHelpText('after', `${NEEDS_SYSTEM}\nAUDIT_SIGNING_KEY (an Ed25519 private key, PEM) signs it; start:local generates one.`)
    .action(async (options: { out?: string }) => {
      const config = systemConfig();
      const { loadCheckpointSigner, WriteCheckpointHandler, PoolHolder, toCheckpointDocument } = runtime();
      const signer = loadCheckpointSigner(config.auditSigningKey);
      if (!signer) throw new CliFailure('AUDIT_SIGNING_KEY is not set: no checkpoint can be signed.', 'Set it to the Ed25519 private key (PEM) the API and worker sign with; docs/operations.md says how to make one.');
      const outcome = await withApp(config, (get) => new WriteCheckpointHandler(get(PoolHolder).pool, signer, systemClock).execute({ force: true }));
      if (!outcome.written) throw new CliFailure(`no checkpoint written (${outcome.reason})`);
      const c = outcome.checkpoint;
      print(`checkpoint ${c.id}: log head position ${c.logHeadPosition} (snapshot ${c.logSnapshot}), ${c.streamCount} streams, ${c.eventCount} events`);
      print(`  merkle root ${c.merkleRoot}, key id ${c.keyId}`);
      if (options.out) {
        writeFileSync(options.out, `${JSON.stringify(toCheckpointDocument(c), null, 2)}\n`);
        print(`  document saved to ${options.out} (check it with: npm run cli -- audit:verify --checkpoint ${options.out})`);
      }
    });

  program
    .command('inaproc:pull')
    .description('backfill a fiscal year from INAPROC (every page, idempotent) and print the report (exit 2 when rows were rejected)')
    .option('--year <YYYY>', 'the fiscal year, 2000 to 2100 (required)')
    .option('--dry-run', 'fetch and map, post nothing, write nothing')
    .addHelpText('after', `${NEEDS_SYSTEM}\nAnd the INAPROC connector's: INAPROC_API_URL, INAPROC_TOKEN, INAPROC_KLPD and INAPROC_REGION.`)
    .action(async (options: { year?: string; dryRun?: boolean }) => {
      const year = Number(options.year);
      if (!options.year || !/^\d{4}$/.test(options.year) || year < 2000 || year > 2100) throw new UsageError('inaproc:pull needs --year YYYY (2000 to 2100)');
      const config = systemConfig();
      if (!config.inaproc) {
        throw new CliFailure('the INAPROC connector is off: set INAPROC_API_URL, INAPROC_TOKEN, INAPROC_KLPD and INAPROC_REGION', 'docs/operations.md describes them.');
      }
      await requireDatabase(config.databaseUrl);
      const code = await runtime().runInaprocPull(config, { year, dryRun: options.dryRun ?? false }, print, note);
      if (code !== 0) process.exitCode = code;
    });

  return program;
}

function packageVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Runs one command line; resolves to the exit code. Expected failures are one plain message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command may report a finding through process.exitCode (e.g. 2: rows rejected, differences found).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // The parser has printed its message (unknown command or option, a bad or missing argument) or the help.
    if (error instanceof CommanderError) return error.exitCode;
    const command = program.args.find((a) => !a.startsWith('-')) ?? argv[0] ?? 'cli';
    const { lines } = explainFailure(command, error, context);
    for (const line of lines) note(line);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
