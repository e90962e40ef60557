import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { PG_POOL } from '@sinergi/database';
import { assertWebhookAllowed, conflict, invalid, notFound, SecretBox, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { isWithinScope, parseRegionCode } from '@sinergi/domain';
import type { Pool } from 'pg';

/** What the ingest path needs to know about an authenticated client. */
export interface ProcurementClient {
  id: string;
  name: string;
  sourceSystem: string;
  regionScopes: string[];
  rateLimitPerMinute: number | null;
  webhookUrl: string | null;
}

/** A client as an admin's list shows it: never a secret, only how many are active and since when the newest. */
export interface ClientListing extends ProcurementClient {
  activeSecrets: number;
  newestSecretAt: string | null;
  createdAt: string;
  disabledAt: string | null;
}

interface StoredSecret {
  id: string;
  sealed: string;
  createdAt: string;
}

interface CachedClient {
  client: ProcurementClient;
  secrets: string[];
  loadedAt: number;
}

export interface CreateClientInput {
  id: string;
  name: string;
  sourceSystem?: string;
  regionScopes: string[];
  rateLimitPerMinute?: number;
  webhookUrl?: string;
  /** Supplied only for the local demo client; otherwise a random secret is generated. */
  secret?: string;
}

/** Secrets a client may hold at once: the current one and the previous, during rotation. */
const MAX_ACTIVE_SECRETS = 2;
/** How long a decrypted client is reused before it is read again (so a revoked secret stops within this). */
const CACHE_MS = 10_000;

@Injectable()
export class ProcurementClientRepository {
  private readonly cache = new Map<string, CachedClient>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly box: SecretBox,
    @Optional() @Inject(SINERGI_CONFIG) private readonly config?: SinergiConfig,
  ) {}

  /** The client and its decrypted active secrets, or null when unknown or disabled. */
  async findForAuthentication(id: string, now = Date.now()): Promise<{ client: ProcurementClient; secrets: string[] } | null> {
    const cached = this.cache.get(id);
    if (cached && now - cached.loadedAt < CACHE_MS) return cached;
    const { rows } = await this.pool.query(
      `SELECT id, name, source_system, region_scopes, rate_limit_per_minute, webhook_url, secrets
         FROM procurement_clients WHERE id = $1 AND disabled_at IS NULL`,
      [id],
    );
    if (rows.length === 0) {
      this.cache.delete(id);
      return null;
    }
    const entry: CachedClient = {
      client: toClient(rows[0]),
      secrets: (rows[0].secrets as StoredSecret[]).map((s) => this.box.open(s.sealed)),
      loadedAt: now,
    };
    this.cache.set(id, entry);
    return entry;
  }

  async findById(id: string): Promise<ProcurementClient | null> {
    const { rows } = await this.pool.query(
      `SELECT id, name, source_system, region_scopes, rate_limit_per_minute, webhook_url FROM procurement_clients WHERE id = $1`,
      [id],
    );
    return rows.length ? toClient(rows[0]) : null;
  }

  /** Every client, by id, without secrets. */
  async list(): Promise<ClientListing[]> {
    const { rows } = await this.pool.query(
      `SELECT id, name, source_system, region_scopes, rate_limit_per_minute, webhook_url, created_at, disabled_at,
              jsonb_array_length(secrets) AS active_secrets, secrets -> (jsonb_array_length(secrets) - 1) ->> 'createdAt' AS newest_secret_at
         FROM procurement_clients ORDER BY id`,
    );
    return rows.map((row) => ({
      ...toClient(row),
      activeSecrets: Number(row.active_secrets),
      newestSecretAt: row.newest_secret_at ?? null,
      createdAt: new Date(row.created_at).toISOString(),
      disabledAt: row.disabled_at ? new Date(row.disabled_at).toISOString() : null,
    }));
  }

  /** Creates a client; returns the plaintext secret, which is shown once and never stored in clear. */
  async create(input: CreateClientInput): Promise<{ client: ProcurementClient; secret: string }> {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.id)) {
      throw invalid('invalid_client_id', 'client id must be 2–63 lowercase letters, digits or hyphens');
    }
    for (const scope of input.regionScopes) {
      if (!parseRegionCode(scope)) throw invalid('invalid_region_scope', `region scope ${scope} is not a Kemendagri region code`);
    }
    if (input.regionScopes.length === 0) throw invalid('invalid_region_scope', 'a client needs at least one region scope');
    // Payment-hold webhooks go to this URL: the same address checks as officials' webhooks (no internal addresses).
    if (input.webhookUrl) await assertWebhookAllowed(input.webhookUrl, this.config?.escalation.webhookAllowHosts ?? []);
    const secret = input.secret ?? randomBytes(32).toString('base64url');
    const secrets: StoredSecret[] = [{ id: 's1', sealed: this.box.seal(secret), createdAt: new Date().toISOString() }];
    const { rowCount } = await this.pool.query(
      `INSERT INTO procurement_clients (id, name, source_system, region_scopes, secrets, webhook_url, rate_limit_per_minute)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [input.id, input.name, input.sourceSystem ?? input.id, input.regionScopes, JSON.stringify(secrets), input.webhookUrl ?? null, input.rateLimitPerMinute ?? null],
    );
    if (rowCount === 0) throw conflict('client_exists', `client ${input.id} already exists`);
    return { client: (await this.findById(input.id))!, secret };
  }

  /** Adds a new secret and keeps the previous one active, so the source can switch without downtime. */
  async rotateSecret(id: string): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query(`SELECT secrets FROM procurement_clients WHERE id = $1 FOR UPDATE`, [id]);
    if (rows.length === 0) throw notFound('client_not_found', `client ${id} does not exist`);
    const current = rows[0].secrets as StoredSecret[];
    const next = [...current, { id: `s${Date.now()}`, sealed: this.box.seal(secret), createdAt: new Date().toISOString() }].slice(-MAX_ACTIVE_SECRETS);
    await this.pool.query(`UPDATE procurement_clients SET secrets = $2, updated_at = now() WHERE id = $1`, [id, JSON.stringify(next)]);
    this.cache.delete(id);
    return secret;
  }

  /** Keeps only the newest secret, ending a rotation. */
  async retireOldSecrets(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE procurement_clients SET secrets = jsonb_build_array(secrets -> (jsonb_array_length(secrets) - 1)), updated_at = now() WHERE id = $1`,
      [id],
    );
    this.cache.delete(id);
  }

  /** Whether a region code falls within the client's scope (segment-aware prefix match). */
  static inScope(client: ProcurementClient, regionCode: string): boolean {
    return isWithinScope(regionCode, client.regionScopes);
  }
}

function toClient(row: Record<string, any>): ProcurementClient {
  return {
    id: row.id,
    name: row.name,
    sourceSystem: row.source_system,
    regionScopes: row.region_scopes,
    rateLimitPerMinute: row.rate_limit_per_minute,
    webhookUrl: row.webhook_url,
  };
}
