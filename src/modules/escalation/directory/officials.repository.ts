import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { belowPattern, type Position } from '@sinergi/auth';
import { assertWebhookAllowed, conflict, invalid, SecretBox, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { isWithinScope, parseRegionCode, regionAncestry } from '@sinergi/domain';
import type { Pool } from 'pg';
import type { WebhookSecret } from '../notification/webhook.channel';

/** An entry of the officials directory as admins see it: never with its webhook secret. */
export interface Official {
  id: string;
  name: string;
  position: Position;
  /** Region-code prefix the official answers for ('73.07' covers its districts and villages). */
  regionScope: string;
  /** Agency (SKPD) code, for heads of agency (KEPALA_DINAS). */
  agencyCode: string | null;
  email: string | null;
  /** E.164 (`+628…`): the number WhatsApp notices go to, when `whatsappOptIn`. */
  whatsapp: string | null;
  /** The official agreed to receive escalation notices by WhatsApp. */
  whatsappOptIn: boolean;
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  /** The JWT subject of the official's sign-in: who reads this official's inbox. */
  subject: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Someone a ladder level must notify, with what the channels need (the webhook secret opened). */
export interface Recipient {
  officialId: string;
  name: string;
  position: Position;
  regionScope: string;
  agencyCode: string | null;
  email: string | null;
  /** Has a WhatsApp number and opted in to it (the number itself is read when the message is sent). */
  whatsappOptIn: boolean;
  webhook: { url: string; secret: WebhookSecret } | null;
}

export interface CreateOfficialInput {
  name: string;
  position: Position;
  regionScope: string;
  agencyCode?: string | null;
  email?: string | null;
  whatsapp?: string | null;
  whatsappOptIn?: boolean;
  webhookUrl?: string | null;
}

export interface UpdateOfficialInput {
  name?: string;
  /** null removes it. */
  email?: string | null;
  /** null removes the number, and with it the opt-in. */
  whatsapp?: string | null;
  whatsappOptIn?: boolean;
  /** null removes the webhook and its secret. */
  webhookUrl?: string | null;
  active?: boolean;
  /** null unlinks the sign-in. */
  subject?: string | null;
}

export interface OfficialsFilter {
  regionCode?: string;
  position?: Position;
}

const COLUMNS =
  'id, name, position, region_scope, agency_code, email, whatsapp, whatsapp_opt_in, webhook_url, webhook_secret_sealed, subject, active, created_at, updated_at';

/** Opting in to WhatsApp needs a number to send to. */
const whatsappRequired = () =>
  invalid('whatsapp_required', 'whatsappOptIn needs a whatsapp number', [{ path: 'whatsapp', code: 'whatsapp_required', message: 'whatsappOptIn needs a whatsapp number' }]);

/** A fresh webhook signing secret: 32 random bytes, base64url. */
const newWebhookSecret = () => randomBytes(32).toString('base64url');

/** The officials directory (docs/api.md): who each ladder level reaches, per region. */
@Injectable()
export class OfficialsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly box: SecretBox,
    @Optional() @Inject(SINERGI_CONFIG) private readonly config?: SinergiConfig,
  ) {}

  /** Adds an official. When a webhook URL is given, a signing secret is generated; it is returned here only. */
  async create(input: CreateOfficialInput): Promise<{ official: Official; webhookSecret: string | null }> {
    if (input.webhookUrl) await assertWebhookAllowed(input.webhookUrl, this.config?.escalation.webhookAllowHosts ?? []);
    if (input.whatsappOptIn && !input.whatsapp) throw whatsappRequired();
    const secret = input.webhookUrl ? newWebhookSecret() : null;
    const { rows } = await this.pool.query(
      `INSERT INTO officials (id, name, position, region_scope, agency_code, email, webhook_url, webhook_secret_sealed, whatsapp, whatsapp_opt_in)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        input.name,
        input.position,
        input.regionScope,
        input.agencyCode ?? null,
        input.email ?? null,
        input.webhookUrl ?? null,
        secret && this.box.seal(secret),
        input.whatsapp ?? null,
        input.whatsappOptIn ?? false,
      ],
    );
    return { official: toOfficial(rows[0]), webhookSecret: secret };
  }

  async findById(id: string): Promise<Official | null> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM officials WHERE id = $1`, [id]);
    return rows.length ? toOfficial(rows[0]) : null;
  }

  /**
   * Officials, active or not, ordered by region scope, position and name. `regionCode` keeps those related to the
   * region: whose scope covers it (an ancestor or the region itself) or lies within it.
   */
  async list(filter: OfficialsFilter = {}): Promise<Official[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.position) {
      params.push(filter.position);
      where.push(`position = $${params.length}`);
    }
    if (filter.regionCode) {
      params.push(regionAncestry(filter.regionCode), belowPattern(filter.regionCode));
      where.push(`(region_scope = ANY($${params.length - 1}::text[]) OR region_scope LIKE $${params.length})`);
    }
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM officials ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY region_scope, position, name, id`,
      params,
    );
    return rows.map(toOfficial);
  }

  /**
   * Changes name, email, WhatsApp number and opt-in, webhook URL, sign-in subject or active. A new webhook URL on an official without a secret
   * generates one, returned here only; removing the URL (null) removes the secret too. A subject already linked to
   * another official is a 409 subject_taken. Null when the official does not exist.
   */
  async update(id: string, patch: UpdateOfficialInput): Promise<{ official: Official; webhookSecret: string | null } | null> {
    if (patch.webhookUrl) await assertWebhookAllowed(patch.webhookUrl, this.config?.escalation.webhookAllowHosts ?? []);
    try {
      return await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query(`SELECT ${COLUMNS} FROM officials WHERE id = $1 FOR UPDATE`, [id]);
        if (rows.length === 0) return null;
        const current = rows[0];
        let sealed: string | null = current.webhook_secret_sealed;
        let secret: string | null = null;
        if (patch.webhookUrl === null) sealed = null;
        else if (patch.webhookUrl && !sealed) {
          secret = newWebhookSecret();
          sealed = this.box.seal(secret);
        }
        const whatsapp: string | null = patch.whatsapp !== undefined ? patch.whatsapp : current.whatsapp;
        // Removing the number ends the opt-in; opting in needs a number.
        const whatsappOptIn = whatsapp === null ? false : (patch.whatsappOptIn ?? current.whatsapp_opt_in);
        if (patch.whatsappOptIn && whatsapp === null) throw whatsappRequired();
        const updated = await client.query(
          `UPDATE officials SET name = $2, email = $3, webhook_url = $4, webhook_secret_sealed = $5, active = $6, subject = $7,
                  whatsapp = $8, whatsapp_opt_in = $9, updated_at = now()
            WHERE id = $1 RETURNING ${COLUMNS}`,
          [
            id,
            patch.name ?? current.name,
            patch.email !== undefined ? patch.email : current.email,
            patch.webhookUrl !== undefined ? patch.webhookUrl : current.webhook_url,
            sealed,
            patch.active ?? current.active,
            patch.subject !== undefined ? patch.subject : current.subject,
            whatsapp,
            whatsappOptIn,
          ],
        );
        return { official: toOfficial(updated.rows[0]), webhookSecret: secret };
      });
    } catch (error) {
      if ((error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'officials_subject_key') {
        throw conflict('subject_taken', 'this sign-in subject is already linked to another official');
      }
      throw error;
    }
  }

  /** Marks the official inactive (kept for the record of past notifications). Null when unknown. */
  async deactivate(id: string): Promise<Official | null> {
    const { rows } = await this.pool.query(`UPDATE officials SET active = false, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
    return rows.length ? toOfficial(rows[0]) : null;
  }

  /**
   * Who a ladder level reaches in `regionCode`: active officials holding one of `positions` whose region scope
   * covers the region, keeping per position only the nearest scope (a district's own Sekda before the regency's).
   * Heads of agency (KEPALA_DINAS) are matched by `agencyCode` too, so none is returned without it. CONTRACTOR is
   * not in the directory (it is reached through the project's contractor e-mail). Ordered as `positions`, then name.
   */
  async recipientsFor(regionCode: string, positions: readonly Position[], agencyCode?: string | null): Promise<Recipient[]> {
    if (parseRegionCode(regionCode) === null || positions.length === 0) return [];
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM officials
        WHERE active AND position = ANY($1::text[]) AND region_scope = ANY($2::text[])
        ORDER BY name, id`,
      [[...positions], regionAncestry(regionCode)],
    );
    const out: Recipient[] = [];
    for (const position of positions) {
      const candidates = rows.filter(
        (r) => r.position === position && isWithinScope(regionCode, [r.region_scope]) && (position !== 'KEPALA_DINAS' || (agencyCode != null && r.agency_code === agencyCode)),
      );
      const nearest = Math.max(-1, ...candidates.map((r) => r.region_scope.length));
      for (const r of candidates.filter((c) => c.region_scope.length === nearest)) out.push(this.toRecipient(r));
    }
    return out;
  }

  private toRecipient(row: OfficialRow): Recipient {
    return {
      officialId: row.id,
      name: row.name,
      position: row.position,
      regionScope: row.region_scope,
      agencyCode: row.agency_code,
      email: row.email,
      whatsappOptIn: row.whatsapp !== null && row.whatsapp_opt_in,
      webhook:
        row.webhook_url && row.webhook_secret_sealed
          ? { url: row.webhook_url, secret: { keyId: `official:${row.id}`, secret: this.box.open(row.webhook_secret_sealed) } }
          : null,
    };
  }
}

interface OfficialRow {
  id: string;
  name: string;
  position: Position;
  region_scope: string;
  agency_code: string | null;
  email: string | null;
  whatsapp: string | null;
  whatsapp_opt_in: boolean;
  webhook_url: string | null;
  webhook_secret_sealed: string | null;
  subject: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

function toOfficial(row: OfficialRow): Official {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    regionScope: row.region_scope,
    agencyCode: row.agency_code,
    email: row.email,
    whatsapp: row.whatsapp,
    whatsappOptIn: row.whatsapp_opt_in,
    webhookUrl: row.webhook_url,
    hasWebhookSecret: row.webhook_secret_sealed !== null,
    subject: row.subject,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
