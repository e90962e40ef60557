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
import type { CaseLinkRole } from '../case-link/case-link-token';
import { formatDateTime } from '../view/console-format';
import { evidenceList } from './evidence.view';
import { EvidenceOnFileReader } from './evidence-on-file';

export interface EvidenceSectionOptions {
  /** A refused reject form, shown again with the reason typed. */
  evidenceError?: { evidenceId: string; code: string; text: string };
  /** After a redirect (`?selesai=`): a decision just recorded is confirmed here. */
  done?: string;
  /** A single-case link an official just asked for, to pass on to the contractor or the contract's PPK. */
  issuedLink?: { role: CaseLinkRole; url: string; expiresAt: string };
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
      ${canDecide ? this.linkForm(viewer, detail, options.issuedLink) : ''}
    </section>`;
  }

  /** A fresh single-case link for the contractor or the contract's PPK (the notice's one expired, or was lost). */
  private linkForm(viewer: PageViewer, detail: CaseDetail, issued: EvidenceSectionOptions['issuedLink']): Html {
    const who = (role: CaseLinkRole) => (role === 'CONTRACTOR' ? 'penyedia' : 'PPK kontrak');
    return html`<form class="card" method="post" action="/console/cases/${detail.caseId}/link">
      <h3>Tautan khusus tanpa akun</h3>
      ${issued
        ? html`<div class="notice ok" role="status"><p>Tautan untuk ${who(issued.role)}, berlaku sampai ${formatDateTime(issued.expiresAt)} atau sampai kasus selesai.
            Salin dan kirimkan hanya kepada yang bersangkutan; tautan ini tidak disimpan dan tidak ditampilkan lagi.</p>
            <p class="link-out"><a href="${issued.url}">${issued.url}</a></p></div>`
        : html`<p>Bila tautan pada pemberitahuan sudah kedaluwarsa atau hilang, buat tautan baru untuk penyedia (mengirim bukti) atau PPK kontrak (menanggapi).</p>`}
      ${csrfField(viewer)}
      <label for="peran-tautan">Tautan untuk</label>
      <select id="peran-tautan" name="role"><option value="CONTRACTOR">Penyedia jasa</option><option value="PPK">PPK kontrak</option></select>
      <button type="submit" class="secondary">Buat tautan</button>
    </form>`;
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
