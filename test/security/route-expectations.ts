/**
 * The security matrix: every HTTP route the API serves × every kind of caller, with the status each must get.
 * route-matrix.e2e.spec.ts reads the routes from the running Fastify server and fails, naming the route, when one has
 * no row here (or a row names a route that is gone), then sends every request below and compares the statuses.
 *
 * Columns (the `expect` string, in this order):
 *   cl  procurement client of Sinjai (73.07), signed (X-Client-Id, X-Timestamp, X-Signature over the raw body)
 *   oi  official of Sinjai (73.07, KEPALA_DINAS of Dinas PUPR), bearer JWT
 *   oo  official of Bone (73.08, KEPALA_DINAS of Dinas PUPR): another regency, bearer JWT
 *   au  auditor of Sinjai (73.07), bearer JWT
 *   ai  admin of Sinjai (73.07), bearer JWT
 *   ao  admin of Bone (73.08), bearer JWT
 *   li  the contractor's single-case link to a Sinjai case (`t=<token>` in the query string, its only credential)
 *   an  no credentials at all
 *
 * Ids in the paths are real Sinjai resources created in the spec's setup (a project with an open case, evidence
 * handed in, a dead letter, a seeded official, an audit verification job). Writes send a body their handler refuses
 * (400) where that is enough to show the caller got past authentication and scope, so the matrix changes little.
 * Every request asks for `application/json`, so the console answers 401 rather than sending a browser to sign in.
 */

import { CONSOLE_STYLESHEET } from '../../src/modules/console/assets/console-assets';

export const CALLERS = ['cl', 'oi', 'oo', 'au', 'ai', 'ao', 'li', 'an'] as const;
export type Caller = (typeof CALLERS)[number];

/** The real ids of the setup. */
export interface MatrixIds {
  project: string;
  caseId: string;
  evidence: string;
  deadLetter: string;
  official: string;
  verification: string;
}

export type MatrixBody = { json: unknown } | { form: Record<string, string> } | { raw: string; type: string };

export interface RouteExpectation {
  /** `METHOD /path/template`, exactly as Fastify lists the route. */
  route: string;
  /** The URL to request (path and query), with real ids. */
  url: (ids: MatrixIds) => string;
  body?: MatrixBody;
  /** Eight statuses, one per caller in CALLERS order (cl oi oo au ai ao li an). */
  expect: string;
  /** Why a column reads as it does, where that is not obvious. */
  why?: string;
}

/** Surfaces outside the Fastify route table, checked by the spec on their own: named here so a reader sees them. */
export const OTHER_SURFACES = [
  'the metrics port (METRICS_PORT): GET /metrics with the METRICS_TOKEN bearer only, nothing else served there',
  'the local OpenID provider under /oidc (test and local mode only), mounted in onRequest before routing: its discovery document and keys are public, its userinfo and token endpoints take no credential any caller here holds',
];

const uuid0 = '00000000-0000-4000-8000-000000000000';
const q = 'kosong'; // a queue that does not exist: the dashboard's writes reach bull-board and change nothing

// prettier-ignore
export const ROUTE_EXPECTATIONS: RouteExpectation[] = [
  //                                                                                                                 cl  oi  oo  au  ai  ao  li  an
  // ── procurement ingest (signed requests only) ──────────────────────────────────────────────────────────────────
  { route: 'POST /v1/procurement/events', url: () => '/v1/procurement/events', body: { json: {} }, expect: '400 401 401 401 401 401 401 401' },
  { route: 'POST /v1/procurement/events/batch', url: () => '/v1/procurement/events/batch', body: { json: {} }, expect: '400 401 401 401 401 401 401 401' },
  // ── projects and verification ─────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /v1/projects', url: () => '/v1/projects?regionCode=73.07', expect: '401 200 404 200 200 404 401 401' },
  { route: 'GET /v1/projects/:id', url: (i) => `/v1/projects/${i.project}`, expect: '200 200 404 200 200 404 401 401' },
  { route: 'POST /v1/projects/:id/reverify', url: (i) => `/v1/projects/${i.project}/reverify`, expect: '401 202 404 403 202 404 401 401' },
  { route: 'POST /v1/projects/:id/evidence', url: (i) => `/v1/projects/${i.project}/evidence`, body: { json: {} }, expect: '400 400 400 403 403 403 401 401', why: "the body is validated before the project is looked up: Bone's official gets the 400 any id would, which tells nothing" },
  { route: 'POST /v1/projects/:id/evidence/:evidenceId/confirm', url: (i) => `/v1/projects/${i.project}/evidence/${uuid0}/confirm`, expect: '401 404 404 403 403 403 401 401' },
  { route: 'POST /v1/projects/:id/evidence/:evidenceId/reject', url: (i) => `/v1/projects/${i.project}/evidence/${i.evidence}/reject`, body: { json: {} }, expect: '401 400 400 403 403 403 401 401', why: "as for evidence: validation (400) before scope, the same for an unknown id" },
  // ── operations ────────────────────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /v1/ops/dead-letters', url: () => '/v1/ops/dead-letters', expect: '401 403 403 403 200 200 401 401', why: "lists are filtered to the caller's regions: Bone's admin gets 200 with none of Sinjai's" },
  { route: 'POST /v1/ops/dead-letters/:id/retry', url: (i) => `/v1/ops/dead-letters/${i.deadLetter}/retry`, expect: '401 403 403 403 201 404 401 401' },
  { route: 'GET /v1/ops/parked-events', url: () => '/v1/ops/parked-events', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /v1/ops/connector-rejects', url: () => '/v1/ops/connector-rejects', expect: '401 403 403 403 200 200 401 401' },
  // ── admin: ladders and the officials directory ────────────────────────────────────────────────────────────────
  { route: 'GET /v1/admin/ladders/:regionCode', url: () => '/v1/admin/ladders/73.07', expect: '401 403 403 403 200 404 401 401' },
  { route: 'PUT /v1/admin/ladders/:regionCode', url: () => '/v1/admin/ladders/73.07', body: { json: {} }, expect: '401 403 403 403 400 403 401 401' },
  { route: 'GET /v1/admin/ladders/:regionCode/versions', url: () => '/v1/admin/ladders/73.07/versions', expect: '401 403 403 403 200 404 401 401' },
  { route: 'GET /v1/admin/officials', url: () => '/v1/admin/officials', expect: '401 403 403 403 200 200 401 401' },
  { route: 'POST /v1/admin/officials', url: () => '/v1/admin/officials', body: { json: {} }, expect: '401 403 403 403 400 400 401 401' },
  { route: 'GET /v1/admin/officials/:id', url: (i) => `/v1/admin/officials/${i.official}`, expect: '401 403 403 403 200 404 401 401' },
  { route: 'PATCH /v1/admin/officials/:id', url: (i) => `/v1/admin/officials/${i.official}`, body: { json: { position: 'NOT_A_POSITION' } }, expect: '401 403 403 403 400 400 401 401', why: "validation (400) before scope, the same for an unknown id" },
  { route: 'DELETE /v1/admin/officials/:id', url: () => `/v1/admin/officials/${uuid0}`, expect: '401 403 403 403 404 404 401 401' },
  // ── audit ─────────────────────────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /v1/audit/projects/:id/history', url: (i) => `/v1/audit/projects/${i.project}/history`, expect: '401 403 403 200 403 403 401 401' },
  { route: 'GET /v1/audit/events', url: () => '/v1/audit/events?regionCode=73.07', expect: '401 403 403 200 403 403 401 401' },
  { route: 'GET /v1/audit/export', url: () => '/v1/audit/export?regionCode=73.07&format=ndjson', expect: '401 403 403 200 403 403 401 401' },
  { route: 'GET /v1/audit/verify', url: (i) => `/v1/audit/verify?projectId=${i.project}`, expect: '401 403 403 200 200 404 401 401' },
  { route: 'GET /v1/audit/verifications/:id', url: (i) => `/v1/audit/verifications/${i.verification}`, expect: '401 403 403 200 200 404 401 401' },
  { route: 'GET /v1/audit/checkpoints', url: () => '/v1/audit/checkpoints', expect: '401 403 403 200 200 200 401 401' },
  { route: 'GET /v1/audit/checkpoints/:id', url: () => '/v1/audit/checkpoints/latest', expect: '401 403 403 404 404 404 401 401', why: "no AUDIT_SIGNING_KEY in tests: there is no latest checkpoint for anyone" },
  // ── cases and the inbox ───────────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /v1/cases', url: () => '/v1/cases', expect: '401 200 200 200 200 200 401 401', why: "filtered to the caller's regions: Bone's official gets 200 and an empty list" },
  { route: 'GET /v1/cases/:id', url: (i) => `/v1/cases/${i.caseId}`, expect: '401 200 404 200 200 404 401 401' },
  { route: 'POST /v1/cases/:id/acknowledge', url: (i) => `/v1/cases/${i.caseId}/acknowledge`, body: { json: {} }, expect: '401 400 400 403 403 403 401 401' },
  { route: 'POST /v1/cases/:id/waive', url: (i) => `/v1/cases/${i.caseId}/waive`, body: { json: {} }, expect: '401 400 400 403 403 403 401 401' },
  { route: 'GET /v1/inbox', url: () => '/v1/inbox', expect: '401 200 200 200 403 403 401 401' },
  { route: 'POST /v1/inbox/:id/read', url: () => `/v1/inbox/${uuid0}/read`, expect: '401 404 404 403 403 403 401 401' },
  // ── coverage ──────────────────────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /v1/coverage/regions/:code', url: () => '/v1/coverage/regions/73.07', expect: '401 200 404 200 200 404 401 401' },
  { route: 'GET /v1/coverage/regions/:code/series', url: () => '/v1/coverage/regions/73.07/series', expect: '401 200 404 200 200 404 401 401' },
  { route: 'GET /v1/coverage/agencies', url: () => '/v1/coverage/agencies?regionCode=73.07', expect: '401 200 404 200 200 404 401 401' },
  { route: 'PUT /v1/coverage/targets/:regionCode', url: () => '/v1/coverage/targets/73.07', body: { json: {} }, expect: '401 403 403 403 400 403 401 401' },
  { route: 'PUT /v1/coverage/segments/:regionCode/:segment/:period', url: () => '/v1/coverage/segments/73.07/VILLAGE_OFFICIALS/2025-10', body: { json: {} }, expect: '401 403 403 403 400 403 401 401' },
  // ── inbound webhooks (WhatsApp Cloud API: verify token and app-secret signature, never a bearer) ──────────────
  { route: 'GET /v1/webhooks/whatsapp', url: () => '/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1', expect: '403 403 403 403 403 403 403 403', why: "Meta's subscription handshake: a wrong hub.verify_token is 403 whoever asks" },
  { route: 'POST /v1/webhooks/whatsapp', url: () => '/v1/webhooks/whatsapp', body: { json: { object: 'whatsapp_business_account', entry: [] } }, expect: '401 401 401 401 401 401 401 401', why: "only Meta's X-Hub-Signature-256 (the app secret) opens it: 401 for every caller here" },
  // ── platform: health, metrics on the public port, the OpenAPI document ──────────────────────────────────────
  { route: 'GET /health/live', url: () => '/health/live', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /health/ready', url: () => '/health/ready', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /metrics', url: () => '/metrics', expect: '401 401 401 401 401 401 401 401', why: "the public port serves /metrics to the METRICS_TOKEN bearer only; no caller here holds it" },
  { route: 'GET /docs', url: () => '/docs', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs/', url: () => '/docs/', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs/*', url: () => '/docs/swagger-ui.css', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs/index.html', url: () => '/docs/index.html', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs/LICENSE', url: () => '/docs/LICENSE', expect: '404 404 404 404 404 404 404 404' },
  { route: 'GET /docs/swagger-ui-init.js', url: () => '/docs/swagger-ui-init.js', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs/docs/swagger-ui-init.js', url: () => '/docs/docs/swagger-ui-init.js', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs-json', url: () => '/docs-json', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /docs-yaml', url: () => '/docs-yaml', expect: '200 200 200 200 200 200 200 200' },
  // ── console: sign-in ──────────────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /console/masuk', url: () => '/console/masuk', expect: '200 200 200 200 200 200 200 200' },
  { route: 'GET /console/masuk/oidc', url: () => '/console/masuk/oidc', expect: '303 303 303 303 303 303 303 303' },
  { route: 'GET /console/masuk/callback', url: () => '/console/masuk/callback?code=x&state=y', expect: '303 303 303 303 303 303 303 303' },
  { route: 'GET /console/masuk/lokal/:uid', url: () => '/console/masuk/lokal/unknown-interaction', expect: '404 404 404 404 404 404 404 404' },
  { route: 'POST /console/masuk/lokal/:uid', url: () => '/console/masuk/lokal/unknown-interaction', body: { form: { akun: 'local-admin-7307' } }, expect: '303 303 303 303 303 303 303 303' },
  { route: 'POST /console/keluar', url: () => '/console/keluar', body: { form: {} }, expect: '401 303 303 303 303 303 401 401', why: "signing out with a bearer token ends no session and redirects" },
  { route: 'GET /console/assets/:name', url: () => CONSOLE_STYLESHEET.path, expect: '200 200 200 200 200 200 200 200' },
  // ── console: pages and forms ──────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /console', url: () => '/console', expect: '401 200 200 200 200 200 401 401' },
  { route: 'GET /console/regions', url: () => '/console/regions', expect: '401 303 303 303 303 303 401 401', why: "redirects to the caller's own region page" },
  { route: 'GET /console/regions/:code', url: () => '/console/regions/73.07', expect: '401 200 404 200 200 404 401 401' },
  { route: 'GET /console/cases', url: () => '/console/cases', expect: '401 200 200 200 200 200 401 401' },
  { route: 'GET /console/cases/:id', url: (i) => `/console/cases/${i.caseId}`, expect: '401 200 404 200 200 404 401 401' },
  { route: 'POST /console/cases/:id/acknowledge', url: (i) => `/console/cases/${i.caseId}/acknowledge`, body: { form: {} }, expect: '401 303 404 403 403 403 401 401' },
  { route: 'POST /console/cases/:id/waive', url: (i) => `/console/cases/${i.caseId}/waive`, body: { form: {} }, expect: '401 400 404 403 403 403 401 401' },
  { route: 'POST /console/cases/:id/reverify', url: (i) => `/console/cases/${i.caseId}/reverify`, body: { form: {} }, expect: '401 303 404 403 303 404 401 401' },
  { route: 'POST /console/cases/:id/evidence/:evidenceId/confirm', url: (i) => `/console/cases/${i.caseId}/evidence/${uuid0}/confirm`, body: { form: {} }, expect: '401 404 404 403 403 403 401 401' },
  { route: 'POST /console/cases/:id/evidence/:evidenceId/reject', url: (i) => `/console/cases/${i.caseId}/evidence/${i.evidence}/reject`, body: { form: {} }, expect: '401 400 404 403 403 403 401 401' },
  { route: 'POST /console/cases/:id/link', url: (i) => `/console/cases/${i.caseId}/link`, body: { form: { peran: 'BUKAN' } }, expect: '401 400 404 403 403 403 401 401' },
  { route: 'GET /console/projects', url: () => '/console/projects', expect: '401 200 200 200 200 200 401 401' },
  { route: 'GET /console/projects/:id', url: (i) => `/console/projects/${i.project}`, expect: '401 200 404 200 200 404 401 401' },
  { route: 'GET /console/audit', url: () => '/console/audit', expect: '401 403 403 200 200 200 401 401' },
  { route: 'GET /console/audit/export', url: () => '/console/audit/export?wilayah=73.07&format=ndjson', expect: '401 403 403 200 403 403 401 401' },
  { route: 'GET /console/audit/checkpoints/:id', url: () => '/console/audit/checkpoints/latest', expect: '401 403 403 404 404 404 401 401' },
  { route: 'GET /console/audit/verify', url: (i) => `/console/audit/verify?projectId=${i.project}`, expect: '401 403 403 200 200 404 401 401' },
  { route: 'GET /console/audit/verifikasi/:id', url: (i) => `/console/audit/verifikasi/${i.verification}`, expect: '401 403 403 200 200 404 401 401' },
  { route: 'GET /console/admin', url: () => '/console/admin', expect: '401 403 403 403 200 200 401 401' },
  { route: 'POST /console/admin/dead-letters/:id/retry', url: () => `/console/admin/dead-letters/${uuid0}/retry`, body: { form: {} }, expect: '401 403 403 403 404 404 401 401' },
  { route: 'POST /console/admin/targets', url: () => '/console/admin/targets', body: { form: {} }, expect: '401 403 403 403 400 400 401 401' },
  { route: 'GET /console/admin/officials', url: () => '/console/admin/officials', expect: '401 403 403 403 200 200 401 401', why: "each admin sees the directory of the admin's own region" },
  { route: 'POST /console/admin/officials', url: () => '/console/admin/officials', body: { form: {} }, expect: '401 403 403 403 400 400 401 401' },
  { route: 'GET /console/admin/officials/:id', url: (i) => `/console/admin/officials/${i.official}`, expect: '401 403 403 403 200 404 401 401' },
  { route: 'POST /console/admin/officials/:id', url: (i) => `/console/admin/officials/${i.official}`, body: { form: {} }, expect: '401 403 403 403 400 404 401 401' },
  { route: 'POST /console/admin/officials/:id/deactivate', url: () => `/console/admin/officials/${uuid0}/deactivate`, body: { form: {} }, expect: '401 403 403 403 404 404 401 401' },
  { route: 'POST /console/admin/officials/:id/activate', url: () => `/console/admin/officials/${uuid0}/activate`, body: { form: {} }, expect: '401 403 403 403 404 404 401 401' },
  { route: 'GET /console/admin/ladder', url: () => '/console/admin/ladder', expect: '401 403 403 403 200 200 401 401' },
  { route: 'POST /console/admin/ladder', url: () => '/console/admin/ladder', body: { form: {} }, expect: '401 403 403 403 400 400 401 401', why: "no rows is no level: SetLadderCommand refuses it" },
  { route: 'GET /console/admin/clients', url: () => '/console/admin/clients', expect: '401 403 403 403 200 200 401 401' },
  { route: 'POST /console/admin/clients', url: () => '/console/admin/clients', body: { form: {} }, expect: '401 403 403 403 400 400 401 401' },
  { route: 'POST /console/admin/clients/:id/rotate', url: () => `/console/admin/clients/${q}/rotate`, body: { form: {} }, expect: '401 403 403 403 404 404 401 401' },
  { route: 'POST /console/admin/clients/:id/retire', url: () => `/console/admin/clients/${q}/retire`, body: { form: {} }, expect: '401 403 403 403 404 404 401 401' },
  { route: 'GET /console/antrean', url: () => '/console/antrean', expect: '401 403 403 403 303 303 401 401', why: "hands an admin's console session to the queue dashboard (303); a bearer caller is sent on" },
  // ── console: the contractor's and PPK's single-case link (the link is the credential) ────────────────────────
  { route: 'GET /console/link', url: () => '/console/link', expect: '404 404 404 404 404 404 200 404', why: "the link is the credential: only its holder opens the case; without a valid link 404" },
  { route: 'POST /console/link/evidence', url: () => '/console/link/evidence', body: { form: {} }, expect: '404 404 404 404 404 404 403 404', why: "the link's own CSRF token is missing from the form: 403 for its holder too" },
  { route: 'POST /console/link/acknowledge', url: () => '/console/link/acknowledge', body: { form: {} }, expect: '404 404 404 404 404 404 403 404' },
  // ── the queue dashboard (bull-board, admins of any region) ────────────────────────────────────────────────────
  { route: 'GET /admin/queues', url: () => '/admin/queues', expect: '401 403 403 403 200 200 401 401', why: "admins of any region read the dashboard (the queues are shared infrastructure holding ids only); every change to them (PUT, PATCH, POST) is for admins of the whole country, 403 national_scope_required for these two regional admins" },
  { route: 'GET /admin/queues/', url: () => '/admin/queues/', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/*', url: () => '/admin/queues/static/favicon.ico', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/metrics-history', url: () => '/admin/queues/metrics-history', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/job-schedulers', url: () => '/admin/queues/job-schedulers', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/queue/:queueName', url: () => '/admin/queues/queue/verification', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/queue/:queueName/:jobId', url: () => '/admin/queues/queue/verification/no-such-job', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/redis/stats', url: () => '/admin/queues/api/redis/stats', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/queues', url: () => '/admin/queues/api/queues', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/job-schedulers', url: () => '/admin/queues/api/job-schedulers', expect: '401 403 403 403 200 200 401 401' },
  { route: 'PUT /admin/queues/api/queues/pause', url: () => '/admin/queues/api/queues/pause', body: { json: { queues: [q] } }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/resume', url: () => '/admin/queues/api/queues/resume', body: { json: { queues: [q] } }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/metrics', url: () => '/admin/queues/api/queues/verification/metrics', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/default-job-options', url: () => '/admin/queues/api/queues/verification/default-job-options', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/workers', url: () => '/admin/queues/api/queues/verification/workers', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/rate-limit', url: () => '/admin/queues/api/queues/verification/rate-limit', expect: '401 403 403 403 200 200 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/rate-limit', url: () => `/admin/queues/api/queues/${q}/rate-limit`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/rate-limit/release', url: () => `/admin/queues/api/queues/${q}/rate-limit/release`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/retry/:queueStatus', url: () => `/admin/queues/api/queues/${q}/retry/failed`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/resume', url: () => `/admin/queues/api/queues/${q}/resume`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/job-data-schema', url: () => '/admin/queues/api/queues/verification/job-data-schema', expect: '401 403 403 403 200 200 401 401' },
  { route: 'PATCH /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId', url: () => `/admin/queues/api/queues/${q}/job-schedulers/none`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/remove', url: () => `/admin/queues/api/queues/${q}/job-schedulers/none/remove`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/run', url: () => `/admin/queues/api/queues/${q}/job-schedulers/none/run`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'POST /admin/queues/api/queues/:queueName/add', url: () => `/admin/queues/api/queues/${q}/add`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/promote', url: () => `/admin/queues/api/queues/${q}/promote`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/pause', url: () => `/admin/queues/api/queues/${q}/pause`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/clean/:queueStatus', url: () => `/admin/queues/api/queues/${q}/clean/failed`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/concurrency', url: () => `/admin/queues/api/queues/${q}/concurrency`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/empty', url: () => `/admin/queues/api/queues/${q}/empty`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/obliterate', url: () => `/admin/queues/api/queues/${q}/obliterate`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/:jobId', url: () => '/admin/queues/api/queues/verification/no-such-job', expect: '401 403 403 403 404 404 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/:jobId/logs', url: () => '/admin/queues/api/queues/verification/no-such-job/logs', expect: '401 403 403 403 200 200 401 401' },
  { route: 'GET /admin/queues/api/queues/:queueName/:jobId/flow', url: () => '/admin/queues/api/queues/verification/no-such-job/flow', expect: '401 403 403 403 404 404 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/:jobId/retry', url: () => `/admin/queues/api/queues/${q}/none/retry`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/:jobId/remove-unprocessed-children', url: () => `/admin/queues/api/queues/${q}/none/remove-unprocessed-children`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/:jobId/clean', url: () => `/admin/queues/api/queues/${q}/none/clean`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PUT /admin/queues/api/queues/:queueName/:jobId/promote', url: () => `/admin/queues/api/queues/${q}/none/promote`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PATCH /admin/queues/api/queues/:queueName/:jobId/priority', url: () => `/admin/queues/api/queues/${q}/none/priority`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PATCH /admin/queues/api/queues/:queueName/:jobId/update-data', url: () => `/admin/queues/api/queues/${q}/none/update-data`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
  { route: 'PATCH /admin/queues/api/queues/:queueName/:jobId/delay', url: () => `/admin/queues/api/queues/${q}/none/delay`, body: { json: {} }, expect: '401 403 403 403 403 403 401 401' },
];
