import { Module } from '@nestjs/common';
import { LadderRepository } from './ladder.repository';
import { OfficialsRepository } from './officials.repository';

/**
 * Ladders per region and the officials directory, for the escalation workflow: `LadderRepository.effectiveLadder`
 * and `.version` (pinning), `OfficialsRepository.recipientsFor`. Needs PG_POOL and SecretBox (global modules).
 */
@Module({
  providers: [LadderRepository, OfficialsRepository],
  exports: [LadderRepository, OfficialsRepository],
})
export class EscalationDirectoryModule {}
