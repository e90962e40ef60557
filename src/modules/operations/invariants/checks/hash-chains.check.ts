import { verifyLogAgainstLatestCheckpoint } from '../../../audit/tamper-evidence/verify/run-log-verification/run-log-verification.handler';
import { type InvariantCheck, resultOf } from '../invariant';

/**
 * Every hash chain verifies, and the log matches the latest signed checkpoint (signature, Merkle root, counts and
 * stored stream heads): the audit's own whole-log verification. With no checkpoint signed yet the chains are
 * checked alone, unless one is required.
 */
export const hashChainsCheck: InvariantCheck = {
  name: 'hash-chains-verify',
  description: 'every hash chain verifies against the latest signed checkpoint',
  async run(context) {
    const result = await verifyLogAgainstLatestCheckpoint(context.pool, { maxBreaksListed: context.examples });
    const examples = result.breaks.map((b) => `${b.streamId} version ${b.version} (position ${b.position}): ${b.reason}`);
    let violations = result.brokenStreams;
    const details = [`${result.checkedStreams} stream(s), ${result.scannedEvents} event(s) read`];
    const checkpoint = result.checkpoint && 'matches' in result.checkpoint ? result.checkpoint : null;
    if (checkpoint) {
      details.push(`checkpoint ${checkpoint.checkpointId} ${checkpoint.matches ? 'matches the log' : 'does NOT match the log'}`);
      if (!checkpoint.matches) {
        // Streams whose head differs are counted where the checkpoint stored them; otherwise the checkpoint counts as one.
        violations += Math.max(1, checkpoint.heads?.differingStreams ?? 0);
        examples.push(...checkpoint.problems.map((p) => `checkpoint ${checkpoint.checkpointId}: ${p}`));
      }
    } else if (context.requireCheckpoint) {
      violations += 1;
      examples.push('no signed checkpoint: the log cannot be compared with one');
    } else details.push('no signed checkpoint yet: the chains were checked alone');
    if (result.brokenStreams) details.push(`${result.brokenStreams} broken stream(s)`);
    return resultOf(violations, examples, context, details.join('; '));
  },
};
