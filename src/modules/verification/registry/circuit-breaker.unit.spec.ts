import { CircuitOpenError, ConsecutiveCircuitBreaker } from './circuit-breaker';

class Down extends Error {}

describe('ConsecutiveCircuitBreaker', () => {
  let now: number;
  let breaker: ConsecutiveCircuitBreaker;
  const fail = () => breaker.execute(() => Promise.reject(new Down()));
  const succeed = () => breaker.execute(() => Promise.resolve('ok'));

  beforeEach(() => {
    now = 0;
    breaker = new ConsecutiveCircuitBreaker({
      failureThreshold: 3,
      halfOpenAfterMs: 10_000,
      isFailure: (error) => error instanceof Down,
      now: () => now,
    });
  });

  it('opens only after the threshold of consecutive failures', async () => {
    await expect(fail()).rejects.toBeInstanceOf(Down);
    await expect(fail()).rejects.toBeInstanceOf(Down);
    await succeed();
    await expect(fail()).rejects.toBeInstanceOf(Down);
    await expect(fail()).rejects.toBeInstanceOf(Down);
    expect(breaker.state).toBe('closed');

    await expect(fail()).rejects.toBeInstanceOf(Down);

    expect(breaker.state).toBe('open');
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('does not count errors that are not failures', async () => {
    for (let i = 0; i < 5; i++) await expect(breaker.execute(() => Promise.reject(new TypeError('refused')))).rejects.toThrow('refused');

    expect(breaker.state).toBe('closed');
  });

  it('half-opens after halfOpenAfterMs, closes on a successful trial and reopens on a failed one', async () => {
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toBeInstanceOf(Down);
    now = 9_999;
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);

    now = 10_000;
    expect(breaker.state).toBe('half-open');
    await expect(fail()).rejects.toBeInstanceOf(Down);
    expect(breaker.state).toBe('open');

    now = 20_000;
    await expect(succeed()).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('does not let a call that started before the circuit opened close it when it ends late', async () => {
    let finishLate!: (value: string) => void;
    const late = breaker.execute(() => new Promise<string>((resolve) => (finishLate = resolve)));
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toBeInstanceOf(Down);

    finishLate('late');
    await expect(late).resolves.toBe('late');

    expect(breaker.state).toBe('open');
  });

  it('refuses a threshold below one', () => {
    expect(() => new ConsecutiveCircuitBreaker({ failureThreshold: 0, isFailure: () => true })).toThrow(RangeError);
  });
});
