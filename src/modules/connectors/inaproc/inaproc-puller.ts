import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock, DomainError, type InaprocConfig, problemFromDomainError, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { findHeld } from '../../project-intake/commands/record-procurement-event/held-events';
import { type IngestItemResult, RecordProcurementEventsCommand } from '../../project-intake/commands/record-procurement-event/record-procurement-events.command';
import { projectStreamId } from '../../project-intake/construction-project.events';
import { projectIdFor } from '../../project-intake/project-id';
import { type ProcurementClient, ProcurementClientRepository } from '../../procurement-clients/procurement-client.repository';
import { type ConnectorReject, ConnectorRepository } from '../connector.repository';
import { DistrictLocator } from './district-locator';
import { InaprocApiClient, InaprocApiError, type InaprocClientOptions } from './inaproc-api.client';
import { INAPROC_ENDPOINTS, INAPROC_SOURCE_SYSTEM, inaprocConnectorId, type InaprocEndpoint } from './inaproc.endpoints';
import { mapInaprocRow, type MappingContext, type ProcurementEventItem, type RowOutcome } from './map-inaproc-row';

/** The ingest's batch limit (`POST /v1/procurement/events/batch`). */
const MAX_BATCH = 500;
/** Items the ingest could not settle now (in flight, a conflict that outlasted its retries, a defect): tried again. */
const TRANSIENT_ROUNDS = 3;
/** A page loop that never ends is a defect at the source, not a reason to run forever. */
const MAX_PAGES = 100_000;

/** Test seams: the HTTP client's timeouts and back-off, and the page size asked for. */
export const INAPROC_PULL_OPTIONS = Symbol('INAPROC_PULL_OPTIONS');
export interface InaprocPullOptions {
  client?: InaprocClientOptions;
  /** `limit` asked of INAPROC. @defaultValue 500 (one ingest batch) */
  pageSize?: number;
}

export interface PullRequest {
  fiscalYears: number[];
  trigger: 'schedule' | 'cli';
  /** Fetch and map, post nothing, write nothing (no cursor, reject or run row). */
  dryRun?: boolean;
  /** A backfill: read each endpoint from its first page, not from where the last pull stopped. */
  fromStart?: boolean;
  /** How long to wait for a run already going (0: report SKIPPED at once). */
  waitForLockMs?: number;
  signal?: AbortSignal;
}

export interface PullCounts {
  /** Rows INAPROC returned. */
  fetched: number;
  /** Rows that became an event. */
  mapped: number;
  /** Events sent to the ingest (0 in a dry run). */
  posted: number;
  /** Posted and recorded in the log (202). */
  recorded: number;
  /** Posted and held until their project's registration arrives (202 held). */
  held: number;
  /** Already recorded or held: the same event id and body again (200 duplicate); in a dry run, what would be. */
  duplicate: number;
  /** Rows not posted, by reason: left out on purpose (`not_construction`, `other_klpd`, `unknown_contract`) or unmappable. */
  skipped: Record<string, number>;
  /** Posted and refused by the ingest, by its problem code. */
  refused: Record<string, number>;
  /** Rows recorded as rejects (unmappable, or refused): what `GET /v1/ops/connector-rejects` lists. */
  rejected: number;
}

export interface EndpointReport extends PullCounts {
  endpoint: string;
  fiscalYear: number;
  pages: number;
  status: 'SUCCEEDED' | 'FAILED';
  error?: { code: string; status: number | null };
}

export interface PullReport {
  runId: string;
  connector: string;
  trigger: 'schedule' | 'cli';
  fiscalYears: number[];
  dryRun: boolean;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  /** Why a run did not start or failed as a whole (`another_run_in_progress`, `client_disabled`, …). */
  reason?: string;
  startedAt: string;
  finishedAt: string;
  endpoints: EndpointReport[];
  totals: PullCounts;
}

const emptyCounts = (): PullCounts => ({ fetched: 0, mapped: 0, posted: 0, recorded: 0, held: 0, duplicate: 0, skipped: {}, refused: {}, rejected: 0 });
const bump = (counts: Record<string, number>, key: string, n = 1) => (counts[key] = (counts[key] ?? 0) + n);

class ConnectorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Posting {
  outcome: Extract<RowOutcome, { kind: 'event' }>;
  version: number;
}

/**
 * One pull of the INAPROC connector: for each fiscal year and endpoint, pages from the stored cursor (or the first
 * page), maps each row, and posts the events through the same command as the HTTP ingest, as the built-in client
 * `inaproc-<klpd>`: same validation, idempotency, holds and audit metadata. Rows that cannot be mapped, and events
 * the ingest refuses, are recorded as rejects; the cursor moves once a page's events are all settled.
 */
@Injectable()
export class InaprocPuller {
  private readonly logger = new Logger('InaprocConnector');
  private readonly repository: ConnectorRepository;
  private readonly config: InaprocConfig | null;

  constructor(
    private readonly commands: CommandBus,
    private readonly clients: ProcurementClientRepository,
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SINERGI_CONFIG) sinergiConfig: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(INAPROC_PULL_OPTIONS) private readonly options: InaprocPullOptions = {},
  ) {
    this.repository = new ConnectorRepository(pool);
    this.config = sinergiConfig.inaproc;
  }

  get enabled(): boolean {
    return this.config !== null;
  }

  get connector(): string | null {
    return this.config ? inaprocConnectorId(this.config.klpd) : null;
  }

  async pull(request: PullRequest): Promise<PullReport> {
    const config = this.config;
    if (!config) throw new ConnectorError('connector_off', 'the INAPROC connector is off: set INAPROC_API_URL, INAPROC_TOKEN, INAPROC_KLPD and INAPROC_REGION');
    const connector = inaprocConnectorId(config.klpd);
    const dryRun = request.dryRun ?? false;
    const report: PullReport = {
      runId: randomUUID(),
      connector,
      trigger: request.trigger,
      fiscalYears: request.fiscalYears,
      dryRun,
      status: 'SUCCEEDED',
      startedAt: this.clock.now().toISOString(),
      finishedAt: '',
      endpoints: [],
      totals: emptyCounts(),
    };
    const lock = await this.repository.lock(connector, request.waitForLockMs ?? 0);
    if (!lock) return { ...report, status: 'SKIPPED', reason: 'another_run_in_progress', finishedAt: this.clock.now().toISOString() };
    try {
      let client: ProcurementClient;
      try {
        client = await this.ensureClient(config, dryRun);
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        this.logger.error({ connector, code: error.code }, error.message);
        return { ...report, status: 'FAILED', reason: error.code, finishedAt: this.clock.now().toISOString() };
      }
      if (!dryRun) await this.repository.startRun({ id: report.runId, connector, trigger: request.trigger, fiscalYears: request.fiscalYears, startedAt: new Date(report.startedAt) });
      const api = new InaprocApiClient(config, {
        ...this.options.client,
        onRetry: (info) => this.logger.warn({ connector, ...info }, 'INAPROC asked to slow down or failed; trying the page again'),
      });
      const districts = new DistrictLocator(config.regionCode);
      for (const fiscalYear of request.fiscalYears) {
        for (const endpoint of INAPROC_ENDPOINTS) {
          if (request.signal?.aborted) break;
          const ctx: MappingContext = { klpd: config.klpd, districts, fiscalYear };
          const part = await this.pullEndpoint(api, client, endpoint, ctx, report, request);
          report.endpoints.push(part);
          if (part.status === 'FAILED') report.status = 'FAILED';
          addCounts(report.totals, part);
        }
      }
      report.finishedAt = this.clock.now().toISOString();
      if (!dryRun) await this.repository.finishRun(report.runId, report.status === 'FAILED' ? 'FAILED' : 'SUCCEEDED', report, new Date(report.finishedAt));
      const t = report.totals;
      this.logger.log(
        { connector, runId: report.runId, dryRun, status: report.status, fetched: t.fetched, mapped: t.mapped, posted: t.posted, recorded: t.recorded, held: t.held, duplicate: t.duplicate, skipped: t.skipped, refused: t.refused },
        'INAPROC pull finished',
      );
      return report;
    } finally {
      await lock.release();
    }
  }

  private async pullEndpoint(api: InaprocApiClient, client: ProcurementClient, endpoint: InaprocEndpoint, ctx: MappingContext, run: PullReport, request: PullRequest): Promise<EndpointReport> {
    const part: EndpointReport = { endpoint: endpoint.id, fiscalYear: ctx.fiscalYear, pages: 0, status: 'SUCCEEDED', ...emptyCounts() };
    const dryRun = run.dryRun;
    try {
      let cursor = request.fromStart ? null : await this.repository.cursor(run.connector, endpoint.id, ctx.fiscalYear);
      for (;;) {
        if (request.signal?.aborted) throw new ConnectorError('shutting_down', 'the pull was stopped before the endpoint was read to its end');
        const page = await api.page(endpoint, ctx.fiscalYear, cursor, this.options.pageSize ?? MAX_BATCH, request.signal);
        part.pages += 1;
        part.fetched += page.rows.length;
        await this.settlePage(client, endpoint, ctx, page.rows, part, run);
        // At the end, keep where the last page began (or the cursor INAPROC gave): the next pull reads what was added.
        const next = page.hasMore ? page.nextCursor : (page.nextCursor ?? cursor);
        if (!dryRun) await this.repository.saveCursor(run.connector, endpoint.id, ctx.fiscalYear, next, page.hasMore ? null : this.clock.now());
        if (!page.hasMore) break;
        if (page.nextCursor === cursor || part.pages >= MAX_PAGES) {
          throw new InaprocApiError('inaproc_malformed_response', `INAPROC's cursor for ${endpoint.id} does not move on`);
        }
        cursor = page.nextCursor;
      }
    } catch (error) {
      part.status = 'FAILED';
      if (request.signal?.aborted) part.error = { code: 'shutting_down', status: null };
      else if (error instanceof InaprocApiError) part.error = { code: error.code, status: error.status };
      else if (error instanceof ConnectorError) part.error = { code: error.code, status: null };
      else part.error = { code: 'internal_error', status: null };
      this.logger.warn({ connector: run.connector, endpoint: endpoint.id, fiscalYear: ctx.fiscalYear, code: part.error.code, status: part.error.status, err: error instanceof InaprocApiError || request.signal?.aborted ? undefined : safeError(error) }, 'INAPROC endpoint not read to its end; the next pull resumes from its cursor');
    }
    return part;
  }

  /** Maps a page, posts its events in batches, records its rejects; returns once every event is settled. */
  private async settlePage(client: ProcurementClient, endpoint: InaprocEndpoint, ctx: MappingContext, rows: unknown[], part: EndpointReport, run: PullReport): Promise<void> {
    const rejects: ConnectorReject[] = [];
    const postings: Posting[] = [];
    const reject = (r: Omit<ConnectorReject, 'connector' | 'endpoint' | 'fiscalYear' | 'regionCode'> & { regionCode?: string | null }) =>
      rejects.push({ ...r, connector: run.connector, endpoint: endpoint.id, fiscalYear: ctx.fiscalYear, regionCode: r.regionCode ?? ctx.districts.regencyCode });

    for (const raw of rows) {
      const outcome = mapInaprocRow(endpoint, raw, ctx);
      if (outcome.kind === 'skipped') bump(part.skipped, outcome.reason);
      else if (outcome.kind === 'rejected') {
        bump(part.skipped, outcome.reason);
        part.rejected += 1;
        reject({ rowKey: outcome.rowKey, sourceRef: outcome.sourceRef, eventId: null, kind: 'UNMAPPABLE', reason: outcome.reason, status: null, errors: outcome.errors });
      } else postings.push({ outcome, version: versionOf(outcome.event) });
    }

    // A start of work or hand-over whose row does not say it is construction: only for a contract Sinergi has.
    const unsure = postings.filter((p) => p.outcome.needsKnownContract);
    if (unsure.length) {
      const streamOf = (p: Posting) => projectStreamId(projectIdFor(INAPROC_SOURCE_SYSTEM, p.outcome.event.projectRef));
      const known = await this.repository.registeredStreams([...new Set(unsure.map(streamOf))]);
      for (let i = postings.length - 1; i >= 0; i -= 1) {
        if (postings[i].outcome.needsKnownContract && !known.has(streamOf(postings[i]))) {
          bump(part.skipped, 'unknown_contract');
          postings.splice(i, 1);
        }
      }
    }
    // Registrations before their amendments, amendments in version order; otherwise the page's order.
    postings.sort((a, b) => a.version - b.version);
    part.mapped += postings.length;

    const settled: string[] = [];
    if (run.dryRun) {
      const ids = postings.map((p) => p.outcome.event.eventId);
      const [recorded, held] = await Promise.all([this.store.findIdempotency(client.id, ids), findHeld(this.pool, client.id, ids)]);
      part.duplicate += ids.filter((id) => recorded.has(id) || held.has(id)).length;
    } else {
      for (let i = 0; i < postings.length; i += MAX_BATCH) {
        const batch = postings.slice(i, i + MAX_BATCH);
        part.posted += batch.length;
        const results = await this.post(client, batch.map((p) => p.outcome.event), run.runId);
        results.forEach((result, k) => {
          const { outcome } = batch[k];
          const answer = settleIngestAnswer(result);
          if (answer.kind === 'recorded' || answer.kind === 'held' || answer.kind === 'duplicate') {
            part[answer.kind] += 1;
            settled.push(outcome.rowKey);
            return;
          }
          // post() gave back only settled items: what is not accepted is a refusal.
          if (answer.kind !== 'refused') return;
          bump(part.refused, answer.code);
          part.rejected += 1;
          reject({
            rowKey: outcome.rowKey,
            sourceRef: outcome.sourceRef,
            eventId: outcome.event.eventId,
            kind: 'REFUSED',
            reason: answer.code,
            status: answer.status,
            errors: answer.errors,
            regionCode: outcome.regionCode,
          });
        });
      }
      const now = this.clock.now();
      await this.repository.recordRejects(rejects, run.runId, now);
      await this.repository.resolveRejects(run.connector, endpoint.id, settled, now);
    }
  }

  /** Posts one batch; items the ingest could not settle now are posted again, a few times, before the page fails. */
  private async post(client: ProcurementClient, events: ProcurementEventItem[], runId: string): Promise<IngestItemResult[]> {
    const results = await this.commands.execute(new RecordProcurementEventsCommand(client, events, runId));
    for (let round = 1; ; round += 1) {
      const again = results.map((r, i) => (settleIngestAnswer(r).kind === 'transient' ? i : -1)).filter((i) => i >= 0);
      if (again.length === 0) return results;
      if (round > TRANSIENT_ROUNDS) {
        const codes = [...new Set(again.map((i) => (settleIngestAnswer(results[i]) as { code: string }).code))];
        throw new ConnectorError('ingest_unavailable', `the ingest could not settle ${again.length} event(s) (${codes.join(', ')}); the page is read again next time`);
      }
      await new Promise((r) => setTimeout(r, 200 * round));
      const retried = await this.commands.execute(new RecordProcurementEventsCommand(client, again.map((i) => events[i]), runId));
      again.forEach((index, k) => (results[index] = retried[k]));
    }
  }

  /**
   * The built-in client `inaproc-<klpd>`, source system `inaproc`, scoped to INAPROC_REGION: created at the first
   * run (its secret is random and never shown: nobody signs requests as it), its scope kept to the configuration.
   */
  private async ensureClient(config: InaprocConfig, dryRun: boolean): Promise<ProcurementClient> {
    const id = inaprocConnectorId(config.klpd);
    const scopes = [config.regionCode];
    const row = await this.repository.clientRow(id);
    if (row?.disabled) throw new ConnectorError('client_disabled', `procurement client ${id} is disabled: the INAPROC connector does not post`);
    if (row && row.sourceSystem !== INAPROC_SOURCE_SYSTEM) {
      throw new ConnectorError('client_conflict', `procurement client ${id} exists with source system ${row.sourceSystem}, not ${INAPROC_SOURCE_SYSTEM}`);
    }
    if (dryRun) {
      return { id, name: `INAPROC ${config.klpd}`, sourceSystem: INAPROC_SOURCE_SYSTEM, regionScopes: scopes, rateLimitPerMinute: null, webhookUrl: null };
    }
    if (!row) {
      await this.clients.create({ id, name: `INAPROC ${config.klpd}`, sourceSystem: INAPROC_SOURCE_SYSTEM, regionScopes: scopes }).catch((error) => {
        // Another worker's first run created it a moment ago.
        if (!(error instanceof DomainError && error.code === 'client_exists')) throw error;
      });
      this.logger.log({ clientId: id, regionScopes: scopes }, 'INAPROC procurement client created');
    } else if (row.regionScopes.join(',') !== scopes.join(',')) {
      await this.repository.setClientScopes(id, scopes);
      this.logger.warn({ clientId: id, from: row.regionScopes, to: scopes }, 'INAPROC_REGION changed: the client follows it');
    }
    return (await this.clients.findById(id))!;
  }
}

function versionOf(event: ProcurementEventItem): number {
  if (event.type === 'ProjectRegistered') return 0;
  const m = /-kontrak-v(\d+)$/.exec(event.eventId);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export type Settled =
  | { kind: 'recorded' | 'held' | 'duplicate' }
  | { kind: 'refused'; status: number; code: string; errors: { path: string; code: string }[] }
  | { kind: 'transient'; code: string };

/**
 * What an ingest answer means for the row: recorded, held, a duplicate, refused for good (its status as the HTTP
 * ingest would answer, and its failing paths and codes only: a message may quote the value it refused), or not
 * settled now (in flight elsewhere, a conflict that outlasted the ingest's own retries, a defect): posted again.
 */
export function settleIngestAnswer(result: IngestItemResult): Settled {
  if (result.outcome === 'duplicate') return { kind: 'duplicate' };
  if (result.outcome === 'recorded') return { kind: 'held' in result.answer && result.answer.held ? 'held' : 'recorded' };
  if (result.outcome === 'failed') return { kind: 'transient', code: 'internal_error' };
  const { status, code } = problemFromDomainError(result.error);
  if (status >= 500 || code === 'request_in_flight' || code === 'concurrent_modification') return { kind: 'transient', code };
  return { kind: 'refused', status, code, errors: result.error.errors.map((e) => ({ path: e.path, code: e.code })) };
}

function addCounts(into: PullCounts, part: PullCounts): void {
  for (const key of ['fetched', 'mapped', 'posted', 'recorded', 'held', 'duplicate', 'rejected'] as const) into[key] += part[key];
  for (const [k, n] of Object.entries(part.skipped)) bump(into.skipped, k, n);
  for (const [k, n] of Object.entries(part.refused)) bump(into.refused, k, n);
}
