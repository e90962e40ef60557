import { isDatabaseUnavailable, toProblem } from './problem-exception.filter';

const pgError = (code: string, message = `database error ${code}`) => Object.assign(new Error(message), { code });

describe('a database that cannot take the request is a 503, not a 500', () => {
  it.each([
    ['refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['server shutting down (57P01)', pgError('57P01')],
    ['starting up (57P03)', pgError('57P03')],
    ['too many clients (53300)', pgError('53300')],
    ['connection exception class 08', pgError('08006')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a client whose connection broke', new Error('Client has encountered a connection error and is not queryable')],
    ['TypeORM wrapping a refused connection', Object.assign(new Error('query failed'), { driverError: pgError('57P01') })],
    ['every address refused', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed')],
  ])('%s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'database_unavailable' });
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a plain defect', new TypeError('x is undefined')],
  ])('%s stays a 500', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toProblem(error).status).toBe(500);
  });
});
