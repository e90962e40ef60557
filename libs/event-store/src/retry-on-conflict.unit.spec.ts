import { ConcurrencyError } from './event-store.errors';
import { retryOnConflict } from './retry-on-conflict';

describe('retryOnConflict', () => {
  it('tries again after a concurrency conflict and returns the later success', async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw new ConcurrencyError(['s-1']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up with the conflict after the bounded number of attempts', async () => {
    let calls = 0;
    const run = retryOnConflict(async () => {
      calls += 1;
      throw new ConcurrencyError(['s-1']);
    }, 4);
    await expect(run).rejects.toBeInstanceOf(ConcurrencyError);
    expect(calls).toBe(4);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    const run = retryOnConflict(async () => {
      calls += 1;
      throw new Error('refused');
    });
    await expect(run).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });
});
