import { FIRST_LOOK_PRIORITY, RECHECK_PRIORITY, verificationBatches } from './verification.queue';

const request = (n: number, firstLook?: boolean) => ({ projectId: `p${n}`, requestId: `verify-p${n}-${n}`, ...(firstLook === undefined ? {} : { firstLook }) });

describe('verificationBatches', () => {
  it('puts first looks in jobs of their own, ahead of re-checks and at a higher priority', () => {
    const batches = verificationBatches([request(1), request(2, true), request(3, false), request(4, true), request(5)], 2);
    expect(batches.map((b) => [b.jobId, b.priority, b.data.requests.map((r) => r.projectId)])).toEqual([
      ['verify-p2-2', FIRST_LOOK_PRIORITY, ['p2', 'p4']],
      ['verify-p1-1', RECHECK_PRIORITY, ['p1', 'p3']],
      ['verify-p5-5', RECHECK_PRIORITY, ['p5']],
    ]);
    expect(FIRST_LOOK_PRIORITY).toBeLessThan(RECHECK_PRIORITY);
  });

  it('keeps the job data to ids (and a trace context): the producer-side flag is not carried', () => {
    const [batch] = verificationBatches([{ ...request(1, true), traceparent: '00-abc-def-01' }], 25);
    expect(batch.data).toEqual({ requests: [{ projectId: 'p1', requestId: 'verify-p1-1', traceparent: '00-abc-def-01' }] });
  });

  it('gives every job a priority, so none jumps the queue by having none', () => {
    const batches = verificationBatches(Array.from({ length: 60 }, (_, i) => request(i, i % 3 === 0)), 25);
    expect(batches.every((b) => b.priority === FIRST_LOOK_PRIORITY || b.priority === RECHECK_PRIORITY)).toBe(true);
    expect(batches.flatMap((b) => b.data.requests).length).toBe(60);
  });
});
