import { Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { ALL_REGIONS, type Principal, resourceNotFound } from '@sinergi/auth';
import { CLOCK, type Clock, DomainError, forbidden, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AcknowledgeCaseCommand } from '../../escalation/cases-api/commands/acknowledge-case/acknowledge-case.command';
import type { CaseDetail } from '../../escalation/cases-api/queries/get-case/get-case.handler';
import { GetCaseQuery } from '../../escalation/cases-api/queries/get-case/get-case.query';
import { SubmitEnrolmentEvidenceCommand } from '../../verification/commands/submit-enrolment-evidence/submit-enrolment-evidence.command';
import { GetProjectQuery } from '../../verification/queries/get-project/get-project.query';
import { consoleSigningKey, sameToken, sign } from '../auth/console-secrets';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { readEvidenceForm } from '../evidence/evidence-form';
import { EvidenceOnFileReader } from '../evidence/evidence-on-file';
import { redirect, sendPage } from '../view/respond';
import { type CaseLink, caseLinkPath, readCaseLinkToken } from './case-link-token';
import { caseEndedPage, caseLinkExpiredPage, caseLinkPage, type CaseLinkPageData } from './case-link.page';

type Body = Record<string, unknown> | undefined;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** A link's holder as the handlers see them: this case's region only, the link's position, no role, no permission. */
export function linkPrincipal(link: CaseLink, detail: Pick<CaseDetail, 'regionCode' | 'agencyCode'>): Principal {
  return {
    kind: 'user',
    // No personal data: the case id names the project, which names its contractor and PPK.
    sub: `case-link:${link.role}:${link.caseId}`,
    name: null,
    roles: [],
    regions: [detail.regionCode],
    position: link.role,
    agency: detail.agencyCode,
    permissions: [],
  };
}

/** Only to read the one case a verified link names, before its region is known. */
const LINK_READER: Principal = { kind: 'user', sub: 'case-link', name: null, roles: [], regions: [ALL_REGIONS], position: null, agency: null, permissions: [] };

/**
 * The pages a signed single-case link opens (`/console/link?t=…`), for the contractor and the contract's own PPK,
 * who have no account. No session, no cookie: the link is checked on every request, grants this one case with what
 * its position may do (the contractor hands in evidence, the PPK acknowledges) and nothing else, and stops working
 * when it expires (410) or the case ends (410, a page that says so). Anything not signed here is 404. Every
 * decision is the API's own handler's, called with a principal scoped to the case's region.
 */
@ApiExcludeController()
@Controller('console/link')
@UseFilters(ConsoleExceptionFilter)
export class CaseLinkConsoleController {
  private readonly key: Buffer;

  constructor(
    private readonly evidence: EvidenceOnFileReader,
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
    @Inject(SINERGI_CONFIG) config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = consoleSigningKey(config);
  }

  @Get()
  async show(@Query('t') token: unknown, @Query('selesai') done: unknown, @Res() reply: FastifyReply) {
    const opened = await this.open(token, reply);
    if (!opened) return reply;
    return this.render(opened, reply, { done: text(done) });
  }

  @Post('evidence')
  async submit(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const body = req.body as Body;
    const opened = await this.open(body?.t, reply, body?._csrf);
    if (!opened) return reply;
    if (opened.link.role !== 'CONTRACTOR') throw forbidden('forbidden_role', 'only the contractor hands in evidence through its link');
    const form = readEvidenceForm(body);
    if (!form.documents) return this.render(opened, reply, { evidenceForm: { values: form.values, errors: form.errors, code: 'invalid_evidence' } }, 400);
    try {
      const reader = { kind: 'user' as const, principal: opened.principal };
      await this.commands.execute(new SubmitEnrolmentEvidenceCommand(opened.detail.projectId, reader, form.documents, String(req.id)));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'not_found') throw error;
      const status = error.kind === 'invalid' ? 400 : error.kind === 'conflict' ? 409 : 422;
      return this.render(opened, reply, { evidenceForm: { values: form.values, errors: error.errors, code: error.code } }, status);
    }
    return redirect(reply, `${caseLinkPath(opened.token)}&selesai=evidence`);
  }

  @Post('acknowledge')
  async acknowledge(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const body = req.body as Body;
    const opened = await this.open(body?.t, reply, body?._csrf);
    if (!opened) return reply;
    if (opened.link.role !== 'PPK') throw forbidden('forbidden_role', 'only the PPK acknowledges through its link');
    const note = text(body?.note);
    try {
      await this.commands.execute(new AcknowledgeCaseCommand(opened.link.caseId, opened.principal, note, String(req.id)));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'not_found') throw error;
      const status = error.kind === 'invalid' ? 400 : error.kind === 'conflict' ? 409 : 422;
      return this.render(opened, reply, { ackError: { code: error.code, text: note } }, status);
    }
    return redirect(reply, `${caseLinkPath(opened.token)}&selesai=acknowledged`);
  }

  /**
   * The link's case, or null once an answer was sent (expired, or the case has ended). Anything not signed here is
   * 404, as an unknown page; a form must carry the link's CSRF token (403 otherwise).
   */
  private async open(token: unknown, reply: FastifyReply, csrf?: unknown): Promise<Opened | null> {
    const reading = readCaseLinkToken(this.key, token, this.clock.now());
    if (!reading.ok) {
      if (reading.reason === 'expired') {
        sendPage(reply, caseLinkExpiredPage(), 410);
        return null;
      }
      throw resourceNotFound('page');
    }
    const link = reading.link;
    const signed = token as string;
    if (csrf !== undefined || reply.request.method !== 'GET') {
      if (!sameToken(typeof csrf === 'string' ? csrf : undefined, this.csrfOf(signed))) {
        throw forbidden('csrf_invalid', 'the form is out of date; open the page again and resubmit');
      }
    }
    const detail = await this.queries.execute(new GetCaseQuery(link.caseId, LINK_READER));
    if (detail.status !== 'OPEN') {
      sendPage(reply, caseEndedPage(detail.status), 410);
      return null;
    }
    return { link, token: signed, detail, principal: linkPrincipal(link, detail) };
  }

  private csrfOf(token: string): string {
    return sign(this.key, 'case-link csrf', token);
  }

  private async render(opened: Opened, reply: FastifyReply, extra: Partial<CaseLinkPageData>, status = 200) {
    const reader = { kind: 'user' as const, principal: opened.principal };
    const [project, evidence] = await Promise.all([
      this.queries.execute(new GetProjectQuery(opened.detail.projectId, reader)),
      this.evidence.list(opened.detail.projectId),
    ]);
    const data: CaseLinkPageData = { link: opened.link, token: opened.token, csrf: this.csrfOf(opened.token), detail: opened.detail, project, evidence, ...extra };
    return sendPage(reply, caseLinkPage(data), status);
  }
}

interface Opened {
  link: CaseLink;
  token: string;
  detail: CaseDetail;
  principal: Principal;
}
