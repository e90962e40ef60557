import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { mintLocalToken, type Position, type Role } from '@sinergi/auth';
import { NestFactory } from '@nestjs/core';
import { ConfigError, DomainError, loadConfig, type SinergiConfig, systemClock } from '@sinergi/common';
import { ensureAppLogin, runMigrations } from '@sinergi/database';
import { CliModule, PoolHolder } from './cli.module';
import { localEnvironment } from './platform/local-state';
import { importBranchFile } from './modules/verification/registry/branch-file.registry';
import { importSegmentsFile } from './modules/regional-coverage/segments/import-segments-file';
import { importHolidays, parseHolidaysCsv } from './modules/project-intake/holidays/import-holidays';
import { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';
import { EventStore } from '@sinergi/event-store';
import { formatRebuildReport, rebuildProjectionByName } from './projections';
import { loadCheckpointSigner } from './modules/audit/tamper-evidence/checkpoint/checkpoint-key';
import { toCheckpointDocument } from './modules/audit/tamper-evidence/checkpoint/checkpoint.repository';
import { checkCheckpointOffline, formatOfflineReport } from './modules/audit/tamper-evidence/checkpoint/verify-checkpoint-offline/verify-checkpoint-offline';
import { WriteCheckpointHandler } from './modules/audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
import { runInaprocPull } from './modules/connectors/inaproc/inaproc-pull.command';

type Handler = (args: string[], config: SinergiConfig) => Promise<void>;

const print = (line = '') => process.stdout.write(`${line}\n`);

async function withApp<T>(config: SinergiConfig, run: (get: <S>(token: new (...a: any[]) => S) => S) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    return await run((token) => app.get(token));
  } finally {
    await app.close();
  }
}

/** `standalone` commands take no configuration: an auditor runs them on their own machine, with no Sinergi secrets. */
const COMMANDS: Record<string, { usage: string; run?: Handler; standalone?: (args: string[]) => Promise<void> }> = {
  migrate: {
    usage: 'migrate                                   apply pending database migrations (as the owner); with DATABASE_APP_USER and _PASSWORD, also create that login for the API and worker',
    run: async (_args, config) => {
      const applied = await runMigrations(config.databaseUrl);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      // The API and the worker connect as a least-privilege login, which the owner creates here (docker-compose.yml).
      const user = process.env.DATABASE_APP_USER;
      if (!user) return;
      const password = process.env.DATABASE_APP_PASSWORD;
      if (!password) throw new ConfigError('DATABASE_APP_PASSWORD: required with DATABASE_APP_USER');
      await ensureAppLogin(config.databaseUrl, { user, password });
      print(`login ${user} is a member of sinergi_app (it cannot rewrite the event log): the API and the worker connect as it`);
    },
  },
  'clients:create': {
    usage: 'clients:create --id ID --name NAME --regions 73.07[,73.08] [--source SYSTEM] [--rate-limit N] [--webhook URL]',
    run: async (args, config) => {
      const { values } = parseArgs({
        args,
        options: {
          id: { type: 'string' },
          name: { type: 'string' },
          regions: { type: 'string' },
          source: { type: 'string' },
          'rate-limit': { type: 'string' },
          webhook: { type: 'string' },
        },
      });
      if (!values.id || !values.name || !values.regions) throw new UsageError('clients:create needs --id, --name and --regions');
      const { client, secret } = await withApp(config, (get) =>
        get(ProcurementClientRepository).create({
          id: values.id!,
          name: values.name!,
          regionScopes: values.regions!.split(',').map((r) => r.trim()),
          sourceSystem: values.source,
          rateLimitPerMinute: values['rate-limit'] ? Number(values['rate-limit']) : undefined,
          webhookUrl: values.webhook,
        }),
      );
      print(`client ${client.id} created for regions ${client.regionScopes.join(', ')}`);
      print(`secret (shown once, store it now): ${secret}`);
    },
  },
  'bpjs:import': {
    usage: 'bpjs:import FILE                          import a BPJS branch CSV of registered projects',
    run: async ([file], config) => {
      if (!file) throw new UsageError('bpjs:import needs the CSV file');
      const text = readFileSync(file, 'utf8');
      const result = await withApp(config, (get) => importBranchFile(get(PoolHolder).pool, text, basename(file)));
      print(`imported ${result.imported} project(s) from ${basename(file)}`);
      for (const r of result.rejected) print(`  line ${r.line}: ${r.reason}`);
      if (result.rejected.length) process.exitCode = 2;
    },
  },
  'holidays:import': {
    usage: 'holidays:import FILE [--source DECREE]     import one year of national holidays and cuti bersama (date,name,kind[,region_prefix][,provisional]) and recount the deadlines it moves',
    run: async (args, config) => {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { source: { type: 'string' } } });
      const [file] = positionals;
      if (!file) throw new UsageError('holidays:import needs the CSV file');
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
      const report = await withApp(config, (get) =>
        importHolidays(get(PoolHolder).pool, get(EventStore), systemClock, parsed, values.source ?? basename(file)),
      );
      print(`imported ${report.holidays} holiday(s) of ${report.year} from ${basename(file)}`);
      print(`  active projects checked: ${report.projectsChecked}; deadlines recomputed: ${report.deadlinesMoved}; still provisional: ${report.stillProvisional}`);
    },
  },
  'segments:import': {
    usage: 'segments:import FILE [--source BPJS_FILE|ADMIN]  import enrolment of other worker segments (region_code,segment,period,enrolled,eligible)',
    run: async (args, config) => {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { source: { type: 'string', default: 'BPJS_FILE' } } });
      const [file] = positionals;
      if (!file) throw new UsageError('segments:import needs the CSV file');
      if (values.source !== 'BPJS_FILE' && values.source !== 'ADMIN') throw new UsageError('--source must be BPJS_FILE or ADMIN');
      const text = readFileSync(file, 'utf8');
      const result = await withApp(config, (get) =>
        importSegmentsFile({ store: get(EventStore), pool: get(PoolHolder).pool, clock: systemClock }, text, {
          sourceFile: basename(file),
          source: values.source as 'BPJS_FILE' | 'ADMIN',
        }),
      );
      print(`recorded ${result.recorded} report(s) from ${basename(file)}${result.unchanged ? `; ${result.unchanged} unchanged` : ''}`);
      for (const r of result.rejected) print(`  line ${r.line}: ${r.reason}`);
      if (result.rejected.length) process.exitCode = 2;
    },
  },
  token: {
    usage: 'token --roles official[,auditor] --regions 73.07 [--position KEPALA_DINAS] [--sub ID] [--name N] [--permissions pii:read] [--expires 8h]',
    run: async (args, config) => {
      if (config.mode === 'production') throw new Error('token minting is for local and test mode only; use your identity provider');
      if (!config.jwt.secret) throw new Error('JWT_SECRET is not set');
      const { values } = parseArgs({
        args,
        options: {
          roles: { type: 'string' },
          regions: { type: 'string' },
          position: { type: 'string' },
          sub: { type: 'string' },
          name: { type: 'string' },
          agency: { type: 'string' },
          permissions: { type: 'string' },
          expires: { type: 'string', default: '8h' },
        },
      });
      if (!values.roles || !values.regions) throw new UsageError('token needs --roles and --regions');
      const list = (v?: string) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
      const token = await mintLocalToken(
        config.jwt.secret,
        {
          sub: values.sub ?? `local-${values.roles.split(',')[0]}`,
          name: values.name,
          roles: list(values.roles) as Role[],
          regions: list(values.regions)!,
          position: values.position as Position | undefined,
          agency: values.agency,
          permissions: list(values.permissions),
        },
        { issuer: config.jwt.issuer, audience: config.jwt.audience, expiresIn: values.expires },
      );
      print(token);
    },
  },
  'clients:rotate-secret': {
    usage: 'clients:rotate-secret ID                  add a new secret; the previous one stays valid until retired',
    run: async ([id], config) => {
      if (!id) throw new UsageError('clients:rotate-secret needs the client id');
      const secret = await withApp(config, (get) => get(ProcurementClientRepository).rotateSecret(id));
      print(`new secret for ${id} (shown once): ${secret}`);
    },
  },
  'projections:rebuild': {
    usage: 'projections:rebuild NAME                  rebuild a projection from position 0 beside the live one, compare, swap in',
    run: async ([name], config) => {
      if (!name) throw new UsageError('projections:rebuild needs the projection name (e.g. coverage)');
      const report = await withApp(config, (get) => rebuildProjectionByName(get(PoolHolder).pool, get(EventStore), name, true, print));
      for (const line of formatRebuildReport(report)) print(line);
    },
  },
  'projections:check': {
    usage: 'projections:check NAME                    rebuild into a shadow and report every row where live ≠ rebuilt (exit 2 if any)',
    run: async ([name], config) => {
      if (!name) throw new UsageError('projections:check needs the projection name (e.g. coverage)');
      const report = await withApp(config, (get) => rebuildProjectionByName(get(PoolHolder).pool, get(EventStore), name, false, print));
      for (const line of formatRebuildReport(report)) print(line);
      if (report.differences > 0) process.exitCode = 2;
    },
  },
  'audit:verify': {
    usage: 'audit:verify [--checkpoint FILE] [--public-key PEM_FILE] [--database URL | --offline]  check a checkpoint\'s signature offline; with a database, every hash chain and the Merkle root too (exit 2 on any failure)',
    standalone: async (args) => {
      const { values } = parseArgs({
        args,
        options: { checkpoint: { type: 'string' }, 'public-key': { type: 'string' }, database: { type: 'string' }, offline: { type: 'boolean', default: false } },
      });
      if (values.offline && values.database) throw new UsageError('give --database or --offline, not both');
      // The database is the one named, else DATABASE_URL, else the running start:local's; --offline checks the signature alone.
      const databaseUrl = values.offline ? undefined : (values.database ?? process.env.DATABASE_URL ?? localEnvironment()?.DATABASE_URL);
      if (!values.checkpoint && !databaseUrl) throw new UsageError('audit:verify needs --checkpoint FILE, a database (--database URL or DATABASE_URL), or both');
      const report = await checkCheckpointOffline({
        document: values.checkpoint ? JSON.parse(readFileSync(values.checkpoint, 'utf8')) : undefined,
        publicKeyPem: values['public-key'] ? readFileSync(values['public-key'], 'utf8') : undefined,
        databaseUrl,
        databaseRequired: values.database !== undefined || !values.checkpoint,
        onProgress: (n) => process.stderr.write(`  … ${n} events read\n`),
      });
      for (const line of formatOfflineReport(report)) print(line);
      if (!report.ok) process.exitCode = 2;
    },
  },
  'audit:checkpoint': {
    usage: 'audit:checkpoint [--out FILE]                sign a checkpoint of the log head now (AUDIT_SIGNING_KEY); --out saves its document',
    run: async (args, config) => {
      const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
      const signer = loadCheckpointSigner(config.auditSigningKey);
      if (!signer) throw new Error('AUDIT_SIGNING_KEY is not set: no checkpoint can be signed');
      const outcome = await withApp(config, (get) => new WriteCheckpointHandler(get(PoolHolder).pool, signer, systemClock).execute({ force: true }));
      if (!outcome.written) throw new Error(`no checkpoint written (${outcome.reason})`);
      const c = outcome.checkpoint;
      print(`checkpoint ${c.id}: log head position ${c.logHeadPosition} (snapshot ${c.logSnapshot}), ${c.streamCount} streams, ${c.eventCount} events`);
      print(`  merkle root ${c.merkleRoot}, key id ${c.keyId}`);
      if (values.out) {
        writeFileSync(values.out, `${JSON.stringify(toCheckpointDocument(c), null, 2)}\n`);
        print(`  document saved to ${values.out} (check it with: npm run cli -- audit:verify --checkpoint ${values.out})`);
      }
    },
  },
  'inaproc:pull': {
    usage: 'inaproc:pull --year 2025 [--dry-run]       backfill a fiscal year from INAPROC (every page, idempotent) and print the report; --dry-run posts nothing',
    run: async (args, config) => {
      const { values } = parseArgs({ args, options: { year: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
      const year = Number(values.year);
      if (!values.year || !/^\d{4}$/.test(values.year) || year < 2000 || year > 2100) throw new UsageError('inaproc:pull needs --year YYYY (2000 to 2100)');
      const code = await runInaprocPull(config, { year, dryRun: values['dry-run']! }, print, (line) => process.stderr.write(`${line}\n`));
      if (code !== 0) process.exitCode = code;
    },
  },
  'clients:retire-old-secrets': {
    usage: 'clients:retire-old-secrets ID             keep only the newest secret',
    run: async ([id], config) => {
      if (!id) throw new UsageError('clients:retire-old-secrets needs the client id');
      await withApp(config, (get) => get(ProcurementClientRepository).retireOldSecrets(id));
      print(`only the newest secret of ${id} is active now`);
    },
  },
};

class UsageError extends Error {}

function usage(): string {
  return ['usage: npm run cli -- <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `unknown command: ${name}\n\n` : ''}${usage()}\n`);
    return 64;
  }
  try {
    const local = localEnvironment();
    if (local) process.stderr.write('(using the local system that npm run start:local is running)\n');
    if (command.standalone) await command.standalone(args);
    else await command.run!(args, loadConfig({ ...process.env, ...local }));
    // A command may report a finding through process.exitCode (e.g. 2: rows rejected, differences found).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`sinergi: invalid configuration: ${error.message}\n`);
    else if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${usage()}\n`);
    else process.stderr.write(`sinergi ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
