import { ConfigError, DomainError, invalid, notFound } from '@sinergi/common';
import { CliFailure, explainFailure, UsageError } from './cli-failures';

const refused = (address: string, port: number) => Object.assign(new Error(`connect ECONNREFUSED ${address}:${port}`), { code: 'ECONNREFUSED', address, port });

describe('explainFailure', () => {
  const context = { databaseUrl: 'postgres://sinergi:s3cret@localhost:5432/sinergi', redisUrl: 'redis://127.0.0.1:6380', localDir: '/repo/.local' };

  it('names PostgreSQL, without its password, when a connection to DATABASE_URL is refused (also as the AggregateError of localhost)', () => {
    const both = new AggregateError([refused('::1', 5432), refused('127.0.0.1', 5432)]);
    Object.assign(both, { code: 'ECONNREFUSED' });
    for (const error of [refused('127.0.0.1', 5432), both]) {
      const { lines, expected } = explainFailure('migrate', error, context);
      expect(expected).toBe(true);
      expect(lines[0]).toBe('sinergi migrate: cannot reach PostgreSQL at postgres://sinergi:***@localhost:5432/sinergi (connection refused: nothing listens there).');
      expect(lines.join('\n')).not.toContain('s3cret');
    }
  });

  it('names Redis by REDIS_URL, and any other address as it is', () => {
    expect(explainFailure('x', refused('127.0.0.1', 6380), context).lines[0]).toContain('cannot reach Redis at redis://127.0.0.1:6380');
    expect(explainFailure('x', refused('10.1.2.3', 443), context).lines[0]).toBe('sinergi x: cannot connect to 10.1.2.3:443 (connection refused: nothing listens there).');
  });

  it('tells a missing setting, and where it could have come from', () => {
    const { lines } = explainFailure('token', new ConfigError('SECRETS_KEY is required'), context);
    expect(lines[0]).toBe("sinergi token: this command needs the system's configuration, and SECRETS_KEY is required.");
    expect(lines[1]).toContain('No `npm run start:local` is running in /repo/.local');
    expect(explainFailure('token', new ConfigError('SECRETS_KEY is required'), { ...context, fromLocalSystem: true }).lines[1]).toContain('came from the running `npm run start:local`');
  });

  it('says domain refusals with their field errors, usage errors with the way to help, and its own failures with their hint', () => {
    expect(explainFailure('clients:rotate-secret', notFound('client_not_found', 'client x does not exist')).lines).toEqual(['sinergi clients:rotate-secret: client x does not exist']);
    expect(explainFailure('c', invalid('bad', 'bad input', [{ path: 'regions', code: 'x', message: 'not a region' }])).lines).toEqual(['sinergi c: bad input', '  regions: not a region']);
    expect(explainFailure('inaproc:pull', new UsageError('inaproc:pull needs --year YYYY')).lines).toEqual(['error: inaproc:pull needs --year YYYY', '(run `npm run cli -- inaproc:pull --help` for usage)']);
    expect(explainFailure('c', new CliFailure('no such client', 'create it first')).lines).toEqual(['sinergi c: no such client', '  create it first']);
    expect(new DomainError('invalid', 'x', 'y')).toBeInstanceOf(Error);
  });

  it('says what PostgreSQL refused, and an unmigrated database, in words', () => {
    const absent = Object.assign(new Error('database "nope" does not exist'), { code: '3D000' });
    expect(explainFailure('migrate', absent, context).lines[0]).toBe(
      'sinergi migrate: PostgreSQL at postgres://sinergi:***@localhost:5432/sinergi refused the connection: database "nope" does not exist.',
    );
    const unmigrated = Object.assign(new Error('relation "procurement_clients" does not exist'), { code: '42P01' });
    expect(explainFailure('clients:rotate-secret', unmigrated, context).lines).toEqual([
      'sinergi clients:rotate-secret: the database at postgres://sinergi:***@localhost:5432/sinergi has no Sinergi schema yet (relation "procurement_clients" does not exist).',
      '  Run `npm run cli -- migrate` first.',
    ]);
  });

  it('says a missing file plainly, and shows the stack of anything unexpected', () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'x.csv'"), { code: 'ENOENT', path: 'x.csv' });
    expect(explainFailure('bpjs:import', missing).lines).toEqual(['sinergi bpjs:import: no such file: x.csv']);
    const bug = explainFailure('migrate', new TypeError('undefined is not a function'));
    expect(bug.expected).toBe(false);
    expect(bug.lines[0]).toBe('sinergi migrate failed unexpectedly (a bug; please report it with this output):');
    expect(bug.lines.join('\n')).toMatch(/TypeError: undefined is not a function\n\s+at /);
  });
});
