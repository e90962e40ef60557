import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery claims its notification before it sends (`claimed_until`, a lease): two jobs of one notification (a
 * re-queue after a lost acknowledgement, a stalled job run again) can no longer both send it. A delivery that dies
 * mid-send leaves a lease that lapses, and the next attempt sends again, so nothing is lost.
 */
export class NotificationClaims1764000000024 implements MigrationInterface {
  name = 'NotificationClaims1764000000024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN claimed_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications DROP COLUMN claimed_until`);
  }
}
