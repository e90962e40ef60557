import { RegistryCallGate } from './registry-call-gate';

describe('RegistryCallGate', () => {
  it('keeps at most `concurrency` calls in flight', async () => {
    const gate = new RegistryCallGate(3, 1000, { countCall: async () => 1 });
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const calls = Array.from({ length: 10 }, () =>
      gate.run(async () => {
        most = Math.max(most, ++inFlight);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight -= 1;
      }),
    );
    for (let done = 0; done < 10; done += 1) {
      while (releases.length === 0) await new Promise((r) => setImmediate(r));
      releases.shift()!();
    }
    await Promise.all(calls);
    expect(most).toBe(3);
  });

  it("waits for the next second when this second's count is over the rate", async () => {
    let now = 10_000;
    const counts = new Map<string, number>();
    const windows: string[] = [];
    const gate = new RegistryCallGate(
      10,
      2,
      {
        countCall: async (second) => {
          windows.push(second);
          counts.set(second, (counts.get(second) ?? 0) + 1);
          return counts.get(second)!;
        },
      },
      () => now,
    );
    jest.useFakeTimers();
    try {
      const started: string[] = [];
      const calls = ['a', 'b', 'c'].map((name) => gate.run(async () => void started.push(name)));
      await jest.advanceTimersByTimeAsync(0);
      expect(started).toEqual(['a', 'b']);
      now = 11_000;
      await jest.advanceTimersByTimeAsync(1001);
      await Promise.all(calls);
      expect(started).toEqual(['a', 'b', 'c']);
      expect(windows).toEqual(['10', '10', '10', '11']);
    } finally {
      jest.useRealTimers();
    }
  });
});
