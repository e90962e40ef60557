import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The WhatsApp channel (issue 14): officials' WhatsApp numbers and opt-in in the directory, WHATSAPP notification
 * rows whose status follows what WhatsApp reports (SENT once the Cloud API accepted the message, then DELIVERED,
 * READ or FAILED), the WhatsApp message id (wamid) a status webhook is matched by, the e-mail that stands in for a
 * message left unread, and statuses that arrived before their message's acceptance was recorded.
 * No phone number is kept outside `officials` (and the contractor's, on the registration).
 */
export class WhatsappChannel1764000000019 implements MigrationInterface {
  name = 'WhatsappChannel1764000000019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE officials
      ADD COLUMN whatsapp text,
      ADD COLUMN whatsapp_opt_in boolean NOT NULL DEFAULT false,
      ADD CONSTRAINT officials_whatsapp_e164 CHECK (whatsapp IS NULL OR whatsapp ~ '^\\+[1-9][0-9]{7,14}$'),
      ADD CONSTRAINT officials_whatsapp_opt_in_number CHECK (NOT whatsapp_opt_in OR whatsapp IS NOT NULL)`);
    await q.query(`ALTER TABLE notifications
      DROP CONSTRAINT notifications_channel_check,
      ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('EMAIL', 'WEBHOOK', 'INBOX', 'WHATSAPP')),
      DROP CONSTRAINT notifications_status_check,
      ADD CONSTRAINT notifications_status_check CHECK (status IN ('PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED')),
      ADD CONSTRAINT notifications_reported_status_whatsapp CHECK (status NOT IN ('SENT', 'READ') OR channel = 'WHATSAPP'),
      ADD COLUMN provider_message_id text,
      ADD COLUMN sent_at timestamptz,
      ADD COLUMN read_at timestamptz,
      ADD COLUMN fallback_of uuid REFERENCES notifications (id),
      ADD COLUMN fallback_checked_at timestamptz`);
    await q.query(`CREATE UNIQUE INDEX notifications_provider_message_idx ON notifications (provider_message_id) WHERE provider_message_id IS NOT NULL`);
    // The read fallback's work list: officials' WhatsApp messages neither read nor yet looked at by it.
    await q.query(`CREATE INDEX notifications_whatsapp_unread_idx ON notifications (created_at, id)
      WHERE channel = 'WHATSAPP' AND recipient_kind = 'OFFICIAL' AND read_at IS NULL AND fallback_checked_at IS NULL`);
    await q.query(`
      CREATE TABLE whatsapp_parked_statuses (
        message_id   text NOT NULL,
        status       text NOT NULL CHECK (status IN ('SENT', 'DELIVERED', 'READ', 'FAILED')),
        reported_at  timestamptz NOT NULL,
        error_code   integer,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, status)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE whatsapp_parked_statuses');
    await q.query(`DELETE FROM notifications WHERE channel = 'WHATSAPP' OR fallback_of IS NOT NULL`);
    await q.query(`ALTER TABLE notifications
      DROP COLUMN fallback_checked_at, DROP COLUMN fallback_of, DROP COLUMN read_at, DROP COLUMN sent_at, DROP COLUMN provider_message_id,
      DROP CONSTRAINT notifications_reported_status_whatsapp,
      DROP CONSTRAINT notifications_status_check,
      ADD CONSTRAINT notifications_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
      DROP CONSTRAINT notifications_channel_check,
      ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('EMAIL', 'WEBHOOK', 'INBOX'))`);
    await q.query(`ALTER TABLE officials DROP CONSTRAINT officials_whatsapp_opt_in_number, DROP CONSTRAINT officials_whatsapp_e164,
      DROP COLUMN whatsapp_opt_in, DROP COLUMN whatsapp`);
  }
}
