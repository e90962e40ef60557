import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { hasRole } from '@sinergi/auth';
import type { FastifyReply } from 'fastify';
import type { CaseDetail } from '../../escalation/cases-api/queries/get-case/get-case.handler';
import { GetProjectQuery } from '../../verification/queries/get-project/get-project.query';
import { casePage } from '../pages/cases/cases.page';
import { type Html, html } from '../view/html';
import { csrfField, type PageViewer } from '../view/layout';
import { sendPage } from '../view/respond';
import { evidenceList } from './evidence.view';
import { EvidenceOnFileReader } from './evidence-on-file';

export interface EvidenceSectionOptions {
  /** A refused reject form, shown again with the reason typed. */
  evidenceError?: { evidenceId: string; code: string; text: string };
  /** After a redirect (`?selesai=`): a decision just recorded is confirmed here. */
  done?: string;
}

const DONE_ID: Record<string, string> = {
  'evidence-confirmed': 'Bukti sudah dikonfirmasi. Sinergi memverifikasi ulang proyek dengan bukti ini; statusnya berubah begitu verifikasi selesai.',
  'evidence-rejected': 'Bukti sudah ditolak; penyedia dapat mengirim bukti yang diperbaiki.',
};

/**
 * The case page's "Bukti kepesertaan" section: the evidence handed in for the case's project, with confirm and
 * reject forms for an official while the case is open. Read only after the case was read with the viewer's scope.
 */
@Injectable()
export class CaseEvidenceSection {
  constructor(
    private readonly evidence: EvidenceOnFileReader,
    private readonly queries: QueryBus,
  ) {}

  async html(viewer: PageViewer, detail: CaseDetail, options: EvidenceSectionOptions = {}): Promise<Html> {
    const list = await this.evidence.list(detail.projectId);
    const canDecide = detail.status === 'OPEN' && hasRole(viewer.principal, 'official');
    const awaiting = list.filter((e) => e.status === 'SUBMITTED').length;
    const done = options.done ? DONE_ID[options.done] : undefined;
    return html`<section aria-labelledby="judul-bukti-kasus"><h2 id="judul-bukti-kasus">Bukti kepesertaan dari penyedia</h2>
      ${done ? html`<p class="notice ok" role="status">${done}</p>` : ''}
      ${awaiting && canDecide ? html`<p class="notice"><strong>${awaiting} bukti menunggu pemeriksaan Anda.</strong> Konfirmasi bila nomor-nomornya cocok; tolak dengan alasan bila tidak.</p>` : ''}
      ${evidenceList(list, canDecide ? { caseId: detail.caseId, csrf: csrfField(viewer), ...(options.evidenceError ? { error: options.evidenceError } : {}) } : undefined)}
    </section>`;
  }

  /** The whole case page, with this section (a refused decision re-shows the page with its message). */
  async renderCase(viewer: PageViewer, detail: CaseDetail, reply: FastifyReply, options: EvidenceSectionOptions, status = 200): Promise<FastifyReply> {
    const [project, evidence] = await Promise.all([
      this.queries.execute(new GetProjectQuery(detail.projectId, { kind: 'user', principal: viewer.principal })),
      this.html(viewer, detail, options),
    ]);
    return sendPage(reply, casePage(viewer, { detail, project, evidence }), status);
  }
}
