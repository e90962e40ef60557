import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { mintLocalToken, type Position, type Role } from '@sinergi/auth';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, type SinergiConfig } from '@sinergi/common';
import { runMigrations } from '@sinergi/database';
import { CliModule, PoolHolder } from './cli.module';
import { localEnvironment } from './platform/local-state';
import { importBranchFile } from './modules/verification/registry/branch-file.registry';
import { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';

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

const COMMANDS: Record<string, { usage: string; run: Handler }> = {
  migrate: {
    usage: 'migrate                                   apply pending database migrations',
    run: async (_args, config) => {
      const applied = await runMigrations(config.databaseUrl);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
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
    await command.run(args, loadConfig({ ...process.env, ...local }));
    return 0;
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
