import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ladder timers fire from PostgreSQL (EscalationTimerSweeper): a worker claims a batch of due rows for a while
 * (`claimed_until`, a lease) and fires them; a worker that dies mid-batch leaves leases that lapse, and another
 * worker fires those timers again, which the case decides only once. `attempts` counts the claims, so a timer that
 * keeps failing waits longer between tries instead of taking a batch's place every few seconds.
 */
export class TimersInPostgres1764000000023 implements MigrationInterface {
  name = 'TimersInPostgres1764000000023';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE escalation_timers ADD COLUMN claimed_until timestamptz, ADD COLUMN attempts integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE escalation_timers DROP COLUMN claimed_until, DROP COLUMN attempts`);
  }
}
