import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { coversCountry, hasRole, JWT_VERIFIER, type JwtVerifier, type Principal } from '@sinergi/auth';
import { bullConnection, queuePrefixOf, DomainError, problem, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../../platform/problem-exception.filter';
import { AUDIT_QUEUE } from '../../audit/tamper-evidence/audit.queue';
import { CONNECTOR_QUEUE } from '../../connectors/connector.queue';
import { NOTIFICATION_QUEUE } from '../../escalation/escalation.queues';
import { VERIFICATION_QUEUE } from '../../verification/verification.queue';
import { ConsoleSessions } from '../auth/console-sessions';
import { signInHref } from '../console-exception.filter';
import { wantsHtml } from '../view/respond';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Every BullMQ queue Sinergi has, with what its jobs are, as the dashboard lists them. A unit test checks that each
 * queue name the code declares (`export const …_QUEUE`) is here, so a new queue cannot be left off.
 */
export const DASHBOARD_QUEUES: readonly { name: string; description: string }[] = [
  { name: VERIFICATION_QUEUE, description: 'Verifikasi kepesertaan ke BPJS Ketenagakerjaan' },
  { name: NOTIFICATION_QUEUE, description: 'Pengiriman pemberitahuan (e-mail, webhook, kotak masuk, WhatsApp)' },
  { name: AUDIT_QUEUE, description: 'Checkpoint bertanda tangan dan verifikasi rantai hash' },
  { name: CONNECTOR_QUEUE, description: 'Penarikan kontrak dari INAPROC' },
];

/**
 * The queues as the dashboard sees them: a producer connection per queue, owned here (the modules' own producers
 * stay as they are), closed with the application.
 */
@Injectable()
export class QueueDashboardQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueDashboard');
  readonly queues: Queue[];

  constructor(@Inject(SINERGI_CONFIG) config: SinergiConfig) {
    this.queues = DASHBOARD_QUEUES.map(({ name }) => {
      const queue = new Queue(name, { connection: bullConnection(config, 'producer'), prefix: queuePrefixOf(config, name) });
      queue.on('error', (error) => this.logger.warn({ err: error.message, queue: name }, 'queue dashboard connection error'));
      return queue;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Who may open the dashboard: an admin, by the API's bearer token (same verifier as every route) or by a console
 * session (the cookie copy `/console/antrean` sets for this path). The queues are shared by every region, so only an
 * admin of the whole country (scope '*' or 'ID') may change them (403 national_scope_required); a region's admin
 * sees them read-only. A session's changes must come from the dashboard's own pages: same origin, and the copy is
 * SameSite=Strict. Anyone else: 401, or 403 for a non-admin; a browser without credentials is sent to sign in.
 */
export async function queueDashboardPrincipal(
  req: Pick<FastifyRequest, 'headers' | 'method'>,
  verifier: Pick<JwtVerifier, 'verify'>,
  sessions: Pick<ConsoleSessions, 'fromCookieHeader'>,
  origin: string,
): Promise<Principal> {
  const authorization = req.headers.authorization;
  let principal: Principal;
  if (authorization) {
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
    if (!token) throw new DomainError('unauthenticated', 'invalid_token', 'send the access token as Authorization: Bearer <token>');
    principal = await verifier.verify(token);
  } else {
    const session = await sessions.fromCookieHeader(req.headers.cookie);
    if (!session) throw new DomainError('unauthenticated', 'missing_session', 'sign in to the console as an admin, or send an admin token as Authorization: Bearer <token>');
    if (!SAFE_METHODS.has(req.method)) {
      const from = req.headers.origin ?? req.headers['sec-fetch-site'];
      if (from !== origin && from !== 'same-origin') throw new DomainError('forbidden', 'cross_site_request', 'changes to the queues must come from the dashboard itself');
    }
    principal = session.principal;
  }
  if (!hasRole(principal, 'admin')) throw new DomainError('forbidden', 'forbidden_role', 'the queue dashboard is for admins');
  if (!SAFE_METHODS.has(req.method) && !coversCountry(principal.regions)) {
    throw new DomainError(
      'forbidden',
      'national_scope_required',
      "the queues serve every region: pausing, retrying, promoting or cleaning their jobs is for admins of the whole country (scope '*' or 'ID'); a region's admin sees them read-only",
    );
  }
  return principal;
}

/**
 * The dashboard's queue list as a region's admin gets it: every queue marked read-only (bull-board's own flags), so the
 * pages offer no pause, retry or clean button that {@link queueDashboardPrincipal} would refuse. Other bodies pass as
 * they are.
 */
export function asReadOnlyQueueList(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  let body: { queues?: unknown };
  try {
    body = JSON.parse(payload) as { queues?: unknown };
  } catch {
    return payload;
  }
  if (!Array.isArray(body.queues)) return payload;
  for (const queue of body.queues as Record<string, unknown>[]) Object.assign(queue, { readOnlyMode: true, allowRetries: false, allowCompletedRetries: false });
  return JSON.stringify(body);
}

/**
 * Mounts bull-board (`@bull-board/api` + `@bull-board/fastify`) at /admin/queues over every queue, behind
 * {@link queueDashboardPrincipal}, in an encapsulated Fastify scope so its hook guards its routes only.
 */
export function mountQueueDashboard(app: NestFastifyApplication, origin: () => string): void {
  const queues = app.get(QueueDashboardQueues, { strict: false });
  const sessions = app.get(ConsoleSessions, { strict: false });
  const verifier = app.get<JwtVerifier>(JWT_VERIFIER, { strict: false });
  const board = new BullBoardFastifyAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.queues.map((q) => new BullMQAdapter(q, { description: DASHBOARD_QUEUES.find((d) => d.name === q.name)?.description })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Sinergi · antrean' } },
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // The requests of admins whose scope is a region, not the country: their queue list is sent read-only.
  const readOnly = new WeakSet<FastifyRequest>();
  void fastify.register(
    async (scope: FastifyInstance) => {
      scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const principal = await queueDashboardPrincipal(req, verifier, sessions, origin());
          if (!coversCountry(principal.regions)) readOnly.add(req);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          if (error.kind === 'unauthenticated' && req.method === 'GET' && wantsHtml(req.headers.accept)) {
            return reply.status(303).header('location', signInHref('/console/antrean')).header('cache-control', 'no-store').send();
          }
          const status = error.kind === 'unauthenticated' ? 401 : 403;
          if (status === 401) reply.header('www-authenticate', 'Bearer');
          sendProblem(reply, problem(status, error.code, error.message), req.url);
          return reply;
        }
        reply.header('cache-control', 'no-store');
      });
      scope.addHook('onSend', async (req: FastifyRequest, _reply: FastifyReply, payload: unknown) =>
        readOnly.has(req) && req.routeOptions.url === `${QUEUE_DASHBOARD_PATH}/api/queues` ? asReadOnlyQueueList(payload) : payload,
      );
      await scope.register(board.registerPlugin() as never);
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
