import { parseRegionCode, vendoredRegions } from '@sinergi/domain';
import { parseSecretsKey } from './secret-box';

/** LKPP's INAPROC data API, pulled for one KLPD (docs/connectors.md). */
export interface InaprocConfig {
  /** The API's base URL, without `/api/v1`. */
  apiUrl: string;
  /** Bearer token: a secret, never logged. */
  token: string;
  /** The regency's KLPD code as LKPP spells it (e.g. `D123`). */
  klpd: string;
  /** The regency's Kemendagri code: the procurement client's scope, and the region of a row that names no district. */
  regionCode: string;
  /** How often the worker pulls, an ISO-8601 duration in days, weeks or time (`PT1H`). */
  pullEvery: string;
}

/** The WhatsApp Business Cloud API (Meta's Graph API) channel (docs/connectors.md). */
export interface WhatsappConfig {
  /** The Graph API base, without a version (`https://graph.facebook.com`). */
  apiUrl: string;
  /** Graph API version in the path, e.g. `v22.0`. */
  apiVersion: string;
  /** The business phone number's id (digits), the sender. */
  phoneNumberId: string;
  /** System-user access token, sent as a Bearer token: a secret, never logged. */
  token: string;
  /** The Meta app's secret: the key of the status webhook's X-Hub-Signature-256. A secret, never logged. */
  appSecret: string;
  /** What Meta echoes in `hub.verify_token` when the webhook is subscribed. A secret, never logged. */
  verifyToken: string;
  /** Approved template names per message kind (language `id`). */
  templates: { caseEscalated: string };
  /** An official who has not read a level's WhatsApp message after this many hours gets it by e-mail too. */
  readFallbackHours: number;
}

/** OpenTelemetry tracing, exported over OTLP/HTTP (docs/operations.md, Tracing). */
export interface TracingConfig {
  /** The traces endpoint, e.g. `http://otel-collector:4318/v1/traces`. */
  endpoint: string;
  /** `service.name` of the spans; the process kind is appended unless OTEL_SERVICE_NAME is set. */
  serviceName: string | null;
  /** Share of new traces recorded (0 to 1); a trace begun upstream follows its caller's decision. */
  sampleRatio: number;
}

/** Runtime configuration (docs/operations.md), validated once at boot. */
export interface SinergiConfig {
  mode: 'local' | 'production' | 'test';
  databaseUrl: string;
  databasePoolSize: number;
  /** A streaming replica for read-only queries (DATABASE_READ_URL); null: every read on the primary. */
  databaseReadUrl: string | null;
  redisUrl: string;
  /** Redis Cluster's seed nodes (REDIS_CLUSTER_NODES); null: the single Redis of REDIS_URL. */
  redisClusterNodes: ReadonlyArray<{ host: string; port: number }> | null;
  port: number;
  host: string;
  bpjsApiUrl: string;
  jwt: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  auditSigningKey?: string;
  /** How often the worker signs a checkpoint of the log's head (docs/api.md). */
  auditCheckpointIntervalSeconds: number;
  smtpUrl?: string;
  queuePrefix: string;
  secretsKey: Buffer;
  rateLimitPerMinute: number;
  logLevel: string;
  publicBaseUrl: string;
  verification: {
    /** Global calls per second toward BPJS, across every worker (BullMQ's limiter). */
    bpjsRateLimitPerSecond: number;
    bpjsTimeoutMs: number;
    concurrency: number;
    /** How often active projects are checked again; 0 turns the periodic re-check off. */
    recheckIntervalHours: number;
    /** Attempts before a verification is recorded as failed and dead-lettered. */
    attempts: number;
    /** First retry delay; doubles each attempt, with jitter. */
    backoffMs: number;
    /** How long a worker's hold on a job lasts without renewal; a job whose worker died runs again after it. */
    lockDurationMs: number;
    /** After this long an open circuit toward BPJS lets one trial call through. */
    circuitHalfOpenMs: number;
  };
  workerMetricsPort: number;
  /** Prometheus `/metrics` (docs/operations.md): each process on a port of its own, never the public one without a token. */
  metrics: {
    /** The API's metrics port (METRICS_PORT); 0 turns it off. The worker's is `workerMetricsPort`. */
    apiPort: number;
    /** Where both metrics ports listen: loopback unless the operator says otherwise. */
    host: string;
    /** When set, every `/metrics` asks for `Authorization: Bearer <token>`, and the API's public port serves it too. A secret, never logged. */
    token: string | null;
  };
  /** OpenTelemetry tracing (OTLP over HTTP); null (off) unless an OTLP endpoint is configured. */
  tracing: TracingConfig | null;
  ingest: {
    /** How long an event for a project not yet registered is held before it becomes a dead letter. */
    heldEventTtlDays: number;
  };
  /**
   * How long bookkeeping an audit no longer needs is kept (docs/operations.md, Retention), in days; 0 keeps it for
   * ever. The event log itself is never deleted.
   */
  retention: {
    /** Finished verification requests, counted from the day their project was completed or cancelled. */
    verificationRequestsDays: number;
    /** Notifications' delivery records (and their inbox items), counted from the day their case ended. */
    notificationsDays: number;
    /** The who-looked log (`audit_access_log`), counted from each access; at least 365 days when not 0. */
    auditAccessLogDays: number;
    /** Dead letters, counted from their retry or their project's closing. */
    deadLettersDays: number;
  };
  premium: {
    /** The share of the Jakon premium that makes a project a participant (first instalment), whole percent. */
    firstInstalmentPercent: number;
    /** Per-region shares, longest prefix first: `[regionPrefix, percent]`. */
    firstInstalmentByRegion: ReadonlyArray<readonly [string, number]>;
  };
  escalation: {
    /** `From:` of notification e-mails. */
    mailFrom: string;
    /** Hosts a webhook may reach over plain http or at an internal address (a local receiver); empty in production. */
    webhookAllowHosts: string[];
    /** Local and test only: every ladder wait is shortened to this many milliseconds when a case opens (`--fast-ladder`). */
    fastLadderMs: number | null;
    /** Ladder timers fired at once per worker (in sweeps of up to 250). */
    timerConcurrency: number;
    /** How often a sweep loop with nothing due looks for due timers again. */
    timerPollMs: number;
    /** Notification deliveries handled at once. */
    notificationConcurrency: number;
    /** Attempts before a delivery is recorded as failed for good. */
    notificationAttempts: number;
    /** First retry delay of a delivery; doubles each attempt, with jitter. */
    notificationBackoffMs: number;
    /** Limit of one webhook or SMTP exchange. */
    deliveryTimeoutMs: number;
  };
  /** The INAPROC pull connector; null (off) when INAPROC_API_URL is unset. */
  inaproc: InaprocConfig | null;
  /** The WhatsApp channel; null (off) when WHATSAPP_API_URL is unset. */
  whatsapp: WhatsappConfig | null;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOCAL_DEFAULTS: Env = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/sinergi',
  REDIS_URL: 'redis://127.0.0.1:6379',
  BPJS_API_URL: 'http://127.0.0.1:3999',
  JWT_SECRET: 'sinergi-local-development-secret-not-for-production',
};

function url(env: Env, name: string, protocols: string[], fallback?: string): string {
  const value = env[name] ?? fallback;
  if (!value) throw new ConfigError(`${name} is required`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`);
  }
  return value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

/** Days to keep something, 0 for ever, else at least `floor` (a period the law or an audit asks for). */
function retentionDays(env: Env, name: string, fallback: number, floor: number): number {
  const days = int(env, name, fallback, 0, 36_500);
  if (days !== 0 && days < floor) throw new ConfigError(`${name} must be 0 (keep for ever) or at least ${floor} days`);
  return days;
}

/**
 * Reads and checks the environment; the first problem found throws a ConfigError whose message is
 * one line naming the variable, so an operator sees exactly what to fix.
 */
export function loadConfig(env: Env = process.env): SinergiConfig {
  const modeRaw = env.SINERGI_MODE ?? (env.NODE_ENV === 'test' ? 'test' : 'production');
  if (!['local', 'production', 'test'].includes(modeRaw)) {
    throw new ConfigError('SINERGI_MODE must be local, production or test');
  }
  const mode = modeRaw as SinergiConfig['mode'];
  const defaults = mode === 'production' ? {} : LOCAL_DEFAULTS;
  const pick = (name: string) => env[name] || defaults[name];

  const secretsRaw = env.SECRETS_KEY;
  if (!secretsRaw) throw new ConfigError('SECRETS_KEY is required (32 bytes as 64 hex characters or base64)');
  const secretsKey = parseSecretsKey(secretsRaw);
  if (!secretsKey) throw new ConfigError('SECRETS_KEY must be 32 bytes as 64 hex characters or base64');

  const jwt = {
    secret: pick('JWT_SECRET'),
    jwksUrl: env.JWT_JWKS_URL ? url(env, 'JWT_JWKS_URL', ['https:', 'http:']) : undefined,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
  };
  if (!jwt.secret && !jwt.jwksUrl) throw new ConfigError('JWT_SECRET or JWT_JWKS_URL is required');
  if (mode === 'production' && jwt.secret && jwt.secret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }

  const queuePrefix = env.QUEUE_PREFIX || 'sinergi';
  if (!/^[A-Za-z0-9_{}-]{1,64}$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX may hold only letters, digits, _ - { } (at most 64)');
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicBaseUrl = publicBaseUrlOf(env, mode, port);

  const fastLadderMs = env.ESCALATION_FAST_LADDER_MS ? int(env, 'ESCALATION_FAST_LADDER_MS', 0, 100, 3_600_000) : null;
  if (fastLadderMs !== null && mode === 'production') {
    throw new ConfigError('ESCALATION_FAST_LADDER_MS is for local and test mode only');
  }
  const webhookAllowHosts = (env.WEBHOOK_ALLOW_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (webhookAllowHosts.some((h) => !/^[A-Za-z0-9.:[\]-]+$/.test(h))) {
    throw new ConfigError('WEBHOOK_ALLOW_HOSTS must be a comma-separated list of host names or IP addresses');
  }

  return {
    mode,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], defaults.DATABASE_URL),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
    databaseReadUrl: env.DATABASE_READ_URL ? url(env, 'DATABASE_READ_URL', ['postgres:', 'postgresql:']) : null,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], defaults.REDIS_URL),
    redisClusterNodes: redisClusterNodes(env.REDIS_CLUSTER_NODES),
    port,
    host: env.HOST || '0.0.0.0',
    bpjsApiUrl: url(env, 'BPJS_API_URL', ['http:', 'https:'], defaults.BPJS_API_URL),
    jwt,
    auditSigningKey: env.AUDIT_SIGNING_KEY || undefined,
    auditCheckpointIntervalSeconds: int(env, 'AUDIT_CHECKPOINT_INTERVAL_SECONDS', 3600, 1, 7 * 24 * 3600),
    smtpUrl: env.SMTP_URL ? url(env, 'SMTP_URL', ['smtp:', 'smtps:']) : undefined,
    queuePrefix,
    secretsKey,
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 10_000_000),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    publicBaseUrl,
    verification: {
      bpjsRateLimitPerSecond: int(env, 'BPJS_RATE_LIMIT_PER_SECOND', 50, 1, 100_000),
      bpjsTimeoutMs: int(env, 'BPJS_TIMEOUT_MS', 5000, 50, 120_000),
      concurrency: int(env, 'VERIFICATION_CONCURRENCY', 20, 1, 1000),
      recheckIntervalHours: int(env, 'RECHECK_INTERVAL_HOURS', 24, 0, 24 * 365),
      attempts: int(env, 'VERIFICATION_ATTEMPTS', 8, 1, 50),
      backoffMs: int(env, 'VERIFICATION_BACKOFF_MS', 1000, 1, 3_600_000),
      lockDurationMs: int(env, 'VERIFICATION_LOCK_MS', 30_000, 1000, 600_000),
      circuitHalfOpenMs: int(env, 'BPJS_CIRCUIT_HALF_OPEN_MS', 10_000, 10, 600_000),
    },
    workerMetricsPort: int(env, 'WORKER_METRICS_PORT', 9464, 0, 65535),
    metrics: metricsConfig(env, mode),
    tracing: tracingConfig(env),
    ingest: {
      heldEventTtlDays: int(env, 'HELD_EVENT_TTL_DAYS', 14, 1, 365),
    },
    retention: {
      verificationRequestsDays: int(env, 'RETENTION_VERIFICATION_REQUESTS_DAYS', 365, 0, 36_500),
      notificationsDays: int(env, 'RETENTION_NOTIFICATIONS_DAYS', 365, 0, 36_500),
      auditAccessLogDays: retentionDays(env, 'RETENTION_AUDIT_ACCESS_LOG_DAYS', 3650, 365),
      deadLettersDays: int(env, 'RETENTION_DEAD_LETTERS_DAYS', 90, 0, 36_500),
    },
    premium: {
      firstInstalmentPercent: int(env, 'PREMIUM_FIRST_INSTALMENT_PERCENT', 50, 1, 100),
      firstInstalmentByRegion: firstInstalmentByRegion(env.PREMIUM_FIRST_INSTALMENT_BY_REGION),
    },
    escalation: {
      mailFrom: env.MAIL_FROM || 'Sinergi <no-reply@sinergi.local>',
      webhookAllowHosts,
      fastLadderMs,
      timerConcurrency: int(env, 'ESCALATION_CONCURRENCY', 2000, 1, 5000),
      timerPollMs: int(env, 'ESCALATION_TIMER_POLL_MS', 1000, 20, 60_000),
      notificationConcurrency: int(env, 'NOTIFICATION_CONCURRENCY', 50, 1, 1000),
      notificationAttempts: int(env, 'NOTIFICATION_ATTEMPTS', 8, 1, 50),
      notificationBackoffMs: int(env, 'NOTIFICATION_BACKOFF_MS', 2000, 1, 3_600_000),
      deliveryTimeoutMs: int(env, 'DELIVERY_TIMEOUT_MS', 10_000, 50, 120_000),
    },
    inaproc: inaprocConfig(env),
    whatsapp: whatsappConfig(env),
  };
}

/** `host:port,host:port`: the seed nodes of a Redis Cluster (any few of its nodes; the client learns the rest). */
function redisClusterNodes(raw: string | undefined): SinergiConfig['redisClusterNodes'] {
  if (!raw) return null;
  const nodes = raw.split(',').map((item) => item.trim());
  const parsed = nodes.map((item) => /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(item));
  if (parsed.some((m) => !m || Number(m[2]) < 1 || Number(m[2]) > 65535)) {
    throw new ConfigError('REDIS_CLUSTER_NODES must be a comma-separated list of host:port, e.g. redis-1:6379,redis-2:6379');
  }
  return parsed.map((m) => ({ host: m![1].replace(/^\[|\]$/g, ''), port: Number(m![2]) }));
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Metrics ports bind to loopback by default; another address in production needs METRICS_TOKEN. */
function metricsConfig(env: Env, mode: SinergiConfig['mode']): SinergiConfig['metrics'] {
  const host = env.METRICS_HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) throw new ConfigError('METRICS_HOST must be a host name or an IP address, e.g. 127.0.0.1');
  const token = env.METRICS_TOKEN || null;
  if (token !== null && !/^[\x21-\x7e]{16,4096}$/.test(token)) throw new ConfigError('METRICS_TOKEN must be 16 or more printable characters without spaces');
  if (mode === 'production' && token === null && !LOOPBACK_HOSTS.has(host)) {
    throw new ConfigError(`METRICS_TOKEN is required when METRICS_HOST is not a loopback address (${host}): /metrics is never open to the network`);
  }
  return { apiPort: int(env, 'METRICS_PORT', 9463, 0, 65535), host, token };
}

/** Off unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL) or OTEL_EXPORTER_OTLP_ENDPOINT (the base, + /v1/traces) is set. */
function tracingConfig(env: Env): TracingConfig | null {
  const full = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!full && !base) return null;
  const endpoint = full
    ? url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:'])
    : `${url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']).replace(/\/+$/, '')}/v1/traces`;
  const ratioRaw = env.OTEL_TRACES_SAMPLER_ARG;
  const sampleRatio = ratioRaw === undefined || ratioRaw === '' ? 1 : Number(ratioRaw);
  if (!/^(?:0|1|0?\.\d+|1\.0*)$/.test(ratioRaw ?? '1') || !(sampleRatio >= 0 && sampleRatio <= 1)) {
    throw new ConfigError('OTEL_TRACES_SAMPLER_ARG must be the share of traces to record, from 0 to 1 (e.g. 0.25)');
  }
  const serviceName = env.OTEL_SERVICE_NAME || null;
  if (serviceName !== null && !/^[\x20-\x7e]{1,255}$/.test(serviceName)) throw new ConfigError('OTEL_SERVICE_NAME must be printable text of at most 255 characters');
  return { endpoint, serviceName, sampleRatio };
}

/** Durations as the ladder parser reads them (weeks, or days and a time part); years and months are refused. */
const PULL_EVERY = /^P(?:\d+W|(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d{1,3})?S)?)?)$/;

/** Off when INAPROC_API_URL is unset; once it is set, the rest is required. The token is never echoed. */
function inaprocConfig(env: Env): InaprocConfig | null {
  if (!env.INAPROC_API_URL) {
    const stray = ['INAPROC_TOKEN', 'INAPROC_KLPD', 'INAPROC_REGION'].find((name) => env[name]);
    if (stray) throw new ConfigError(`INAPROC_API_URL is required with ${stray} (the INAPROC connector is off without it)`);
    return null;
  }
  const apiUrl = url(env, 'INAPROC_API_URL', ['https:', 'http:']).replace(/\/+$/, '');
  const token = env.INAPROC_TOKEN;
  if (!token) throw new ConfigError('INAPROC_TOKEN is required with INAPROC_API_URL');
  if (!/^[\x21-\x7e]{8,4096}$/.test(token)) throw new ConfigError('INAPROC_TOKEN must be 8 or more printable characters without spaces');
  const klpd = env.INAPROC_KLPD;
  if (!klpd) throw new ConfigError('INAPROC_KLPD is required with INAPROC_API_URL');
  if (!/^[A-Za-z0-9]{1,20}$/.test(klpd)) throw new ConfigError('INAPROC_KLPD must be a KLPD code of letters and digits, e.g. D123');
  const regionCode = env.INAPROC_REGION;
  if (!regionCode) throw new ConfigError('INAPROC_REGION is required with INAPROC_API_URL');
  if (parseRegionCode(regionCode)?.level !== 'regency' || vendoredRegions().existence(regionCode) !== 'known') {
    throw new ConfigError('INAPROC_REGION must be the Kemendagri code of a regency or city, e.g. 73.07');
  }
  const pullEvery = env.INAPROC_PULL_EVERY || 'PT1H';
  if (!PULL_EVERY.test(pullEvery) || !/[1-9]/.test(pullEvery)) {
    throw new ConfigError('INAPROC_PULL_EVERY must be an ISO-8601 duration in weeks, days or time, e.g. PT1H or PT30M');
  }
  return { apiUrl, token, klpd, regionCode, pullEvery };
}

/** Meta's template names: lower-case letters, digits and underscores. */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;

/** Off when WHATSAPP_API_URL is unset; once it is set, the rest is required. Token and secrets are never echoed. */
function whatsappConfig(env: Env): WhatsappConfig | null {
  const required = ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'];
  if (!env.WHATSAPP_API_URL) {
    const stray = required.find((name) => env[name]);
    if (stray) throw new ConfigError(`WHATSAPP_API_URL is required with ${stray} (the WhatsApp channel is off without it)`);
    return null;
  }
  const apiUrl = url(env, 'WHATSAPP_API_URL', ['https:', 'http:']).replace(/\/+$/, '');
  if (/\/v\d+\.\d+$/.test(apiUrl)) throw new ConfigError('WHATSAPP_API_URL is the Graph API base without a version (set WHATSAPP_API_VERSION)');
  const missing = required.find((name) => !env[name]);
  if (missing) throw new ConfigError(`${missing} is required with WHATSAPP_API_URL`);
  const apiVersion = env.WHATSAPP_API_VERSION || 'v22.0';
  if (!/^v\d{1,3}\.\d{1,3}$/.test(apiVersion)) throw new ConfigError('WHATSAPP_API_VERSION must be a Graph API version such as v22.0');
  const phoneNumberId = env.WHATSAPP_PHONE_NUMBER_ID!;
  if (!/^\d{1,30}$/.test(phoneNumberId)) throw new ConfigError('WHATSAPP_PHONE_NUMBER_ID must be the phone number id (digits), not the phone number');
  const secret = (name: string) => {
    const value = env[name]!;
    if (!/^[\x21-\x7e]{8,4096}$/.test(value)) throw new ConfigError(`${name} must be 8 or more printable characters without spaces`);
    return value;
  };
  const caseEscalated = env.WHATSAPP_TEMPLATE_CASE_ESCALATED || 'sinergi_kasus_eskalasi';
  if (!TEMPLATE_NAME.test(caseEscalated)) {
    throw new ConfigError('WHATSAPP_TEMPLATE_CASE_ESCALATED must be a template name of lower-case letters, digits and underscores');
  }
  return {
    apiUrl,
    apiVersion,
    phoneNumberId,
    token: secret('WHATSAPP_TOKEN'),
    appSecret: secret('WHATSAPP_APP_SECRET'),
    verifyToken: secret('WHATSAPP_VERIFY_TOKEN'),
    templates: { caseEscalated },
    readFallbackHours: int(env, 'WHATSAPP_READ_FALLBACK_HOURS', 24, 1, 24 * 30),
  };
}

/**
 * The origin officials open the console at; every link a notice carries (the case page, a contractor's single-case
 * link) is built from it, so production must say it. Local and test mode default to the loopback port.
 */
function publicBaseUrlOf(env: Env, mode: SinergiConfig['mode'], port: number): string {
  if (!env.PUBLIC_BASE_URL) {
    if (mode === 'production') {
      throw new ConfigError('PUBLIC_BASE_URL is required in production: the origin officials open the console at, e.g. https://sinergi.sinjaikab.go.id (notification links are built from it)');
    }
    return `http://127.0.0.1:${port}`;
  }
  const parsed = new URL(url(env, 'PUBLIC_BASE_URL', ['https:', 'http:']));
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ConfigError('PUBLIC_BASE_URL must be an origin only (scheme, host and port), without a path, query or credentials');
  }
  return parsed.origin;
}

export const SINERGI_CONFIG = Symbol('SINERGI_CONFIG');

/** `73.07=50,73.08=60`: a region's own first-instalment share, sorted longest prefix first. */
function firstInstalmentByRegion(raw: string | undefined): ReadonlyArray<readonly [string, number]> {
  if (!raw?.trim()) return [];
  const entries = raw.split(',').map((part) => {
    const match = /^\s*(\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?)\s*=\s*(\d{1,3})\s*$/.exec(part);
    const percent = match ? Number(match[2]) : NaN;
    if (!match || percent < 1 || percent > 100) {
      throw new ConfigError('PREMIUM_FIRST_INSTALMENT_BY_REGION must be a comma-separated list of REGION=PERCENT, e.g. 73.07=50,73.08=60');
    }
    return [match[1], percent] as const;
  });
  return entries.sort((a, b) => b[0].length - a[0].length);
}

/** The first-instalment share for a project's region: its own (longest matching prefix) or the default. */
export function firstInstalmentPercentFor(config: Pick<SinergiConfig, 'premium'>, regionCode: string): number {
  const own = config.premium.firstInstalmentByRegion.find(([prefix]) => regionCode === prefix || regionCode.startsWith(`${prefix}.`));
  return own ? own[1] : config.premium.firstInstalmentPercent;
}
