/**
 * Test-only pause points for the fault suite (test/faults, docs/operations.md "Fault suite"): a process reaching a
 * point named in `SINERGI_FAULT_POINTS` says so on stderr (`SINERGI_FAULT_POINT <name>`) and then either waits there
 * for good (`name`: the test kills the process at that exact step) or blocks its event loop once
 * (`name=block:<ms>`: no timer, no lock renewal, no I/O for that long). Inert unless `SINERGI_MODE` is `test` and the
 * variable names the point; production and local runs never pause.
 */
export type FaultPointName =
  /** A verification job is in hand and about to ask BPJS for a project (BpjsHttpRegistry.findProject). */
  'verification.before-registry-call';

const reached = new Set<string>();

export async function faultPoint(name: FaultPointName): Promise<void> {
  const spec = process.env.SINERGI_FAULT_POINTS;
  if (!spec || process.env.SINERGI_MODE !== 'test') return;
  const entry = spec
    .split(',')
    .map((s) => s.trim())
    .find((s) => s === name || s.startsWith(`${name}=`));
  if (!entry) return;
  const block = /=block:(\d+)$/.exec(entry);
  if (block) {
    if (reached.has(name)) return;
    reached.add(name);
    process.stderr.write(`SINERGI_FAULT_POINT ${name}\n`);
    const until = Date.now() + Number(block[1]);
    while (Date.now() < until) {
      /* the event loop is blocked on purpose */
    }
    return;
  }
  process.stderr.write(`SINERGI_FAULT_POINT ${name}\n`);
  await new Promise<never>(() => undefined);
}
