import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment requested before any verdict is answered once the verdict is known: held (a case's
 * PAYMENT_HOLD_RECOMMENDED) or cleared. A clearance belongs to no case, so a notification's case becomes optional
 * — for that kind only.
 */
export class PaymentRequestCleared1764000000018 implements MigrationInterface {
  name = 'PaymentRequestCleared1764000000018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
      ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('CASE_ESCALATED', 'PAYMENT_HOLD_RECOMMENDED', 'PAYMENT_HOLD_LIFTED', 'PAYMENT_REQUEST_CLEARED')),
      ALTER COLUMN case_id DROP NOT NULL,
      ADD CONSTRAINT notifications_case_required CHECK (case_id IS NOT NULL OR kind = 'PAYMENT_REQUEST_CLEARED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind = 'PAYMENT_REQUEST_CLEARED'`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_case_required, ALTER COLUMN case_id SET NOT NULL,
      DROP CONSTRAINT notifications_kind_check,
      ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('CASE_ESCALATED', 'PAYMENT_HOLD_RECOMMENDED', 'PAYMENT_HOLD_LIFTED'))`);
  }
}
