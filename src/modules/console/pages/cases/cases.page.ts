import { hasRole, type Principal } from '@sinergi/auth';
import type { CaseSummary } from '../../../escalation/cases-api/case-summary';
import type { CaseDetail } from '../../../escalation/cases-api/queries/get-case/get-case.handler';
import type { TimelineEntry } from '../../../escalation/cases-api/queries/get-case/case-timeline';
import { MIN_JUSTIFICATION_LENGTH, MAX_NOTE_LENGTH, mayWaive, WAIVER_POSITIONS } from '../../../escalation/case-decider/escalation-case.decider';
import { reasonSentenceId } from '../../../escalation/notification/message-templates';
import type { NonComplianceReason } from '../../../escalation/notification/message-templates';
import type { ProjectView } from '../../../verification/queries/get-project/get-project.query';
import { formatDate, formatDateTime, formatDaysAgo, formatDuration, formatMoney } from '../../view/console-format';
import { otherAgencyGuidanceId, POSITION_GUIDANCE_ID } from '../../view/guidance-id';
import { type Html, href, html } from '../../view/html';
import {
  ACTION_DONE_ID,
  ACTION_ERROR_ID,
  CASE_EVENT_ID,
  CASE_STATUS_ID,
  CHANNEL_ID,
  COMPLIANCE_STATUS_ID,
  NOTIFICATION_STATUS_ID,
  positionId,
  RECIPIENT_KIND_ID,
  reasonLabelId,
} from '../../view/labels-id';
import { csrfField, page, type PageViewer } from '../../view/layout';
import { whatsappStatus } from './whatsapp-status.view';

export interface InboxFilters {
  status: string;
  level: string;
  regionCode: string;
  agency: string;
}

export interface InboxData {
  items: CaseSummary[];
  projects: Map<string, Pick<ProjectView, 'name' | 'agency'> | null>;
  nextCursor: string | null;
  filters: InboxFilters;
  /** A page size other than the inbox's own, kept on the paging links. */
  limit?: string;
  /** True when this page is not the first (a cursor was given). */
  paged: boolean;
  now: Date;
}

const statusBadge = (status: string) =>
  html`<span class="badge ${status === 'OPEN' ? 'b-bad' : status === 'RESOLVED' ? 'b-ok' : 'b-info'}">${CASE_STATUS_ID[status] ?? status}</span>`;

/** A case has climbed past its first notice: the contractor and the PPK let the first window pass. */
export const isOverdue = (c: Pick<CaseSummary, 'status' | 'currentLevel'>) => c.status === 'OPEN' && c.currentLevel >= 1;

function option(value: string, label: string, current: string): Html {
  return html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
}

function filtersForm(f: InboxFilters): Html {
  return html`<form class="filters card" method="get" action="/console/cases" aria-label="Saring kasus">
    <div class="field"><label for="f-status">Status</label><select id="f-status" name="status">
      ${option('OPEN', 'Terbuka', f.status)}${option('RESOLVED', 'Selesai', f.status)}${option('WAIVED', 'Dikecualikan', f.status)}${option('CLOSED', 'Ditutup', f.status)}${option('', 'Semua', f.status)}
    </select></div>
    <div class="field"><label for="f-level">Tingkat</label><select id="f-level" name="level">
      ${option('', 'Semua', f.level)}${[0, 1, 2, 3, 4, 5].map((l) => option(String(l), `Tingkat ${l}`, f.level))}
    </select></div>
    <div class="field"><label for="f-region">Kode wilayah</label><input id="f-region" type="text" name="regionCode" value="${f.regionCode}" inputmode="decimal" placeholder="73.07.05"></div>
    <div class="field"><label for="f-agency">Kode perangkat daerah</label><input id="f-agency" type="text" name="agency" value="${f.agency}" placeholder="1.03.0.00.0.00.01.0000"></div>
    <div><button type="submit">Terapkan</button></div>
  </form>`;
}

export function inboxPage(viewer: PageViewer, d: InboxData): Html {
  const rows = d.items.map((c) => {
    const project = d.projects.get(c.projectId);
    return html`<tr>
      <th scope="row"><a href="/console/cases/${c.caseId}">${project?.name ?? 'Proyek'}</a>${isOverdue(c) ? html` <span class="badge b-late">Terlambat</span>` : ''}</th>
      <td data-label="Perangkat daerah">${project?.agency.name ?? c.agencyCode}</td>
      <td data-label="Alasan">${c.reasons.map(reasonLabelId).join('; ')}</td>
      <td data-label="Tingkat" class="num">${c.currentLevel}${c.acknowledgedAtCurrentLevel ? html` <span class="badge b-ok">ditanggapi</span>` : ''}</td>
      <td data-label="Status">${statusBadge(c.status)}${c.paymentHold ? html` <span class="badge b-wait">pembayaran ditahan</span>` : ''}</td>
      <td data-label="Dibuka" class="nowrap">${formatDate(c.openedAt)} (${formatDaysAgo(c.openedAt, d.now)})</td>
    </tr>`;
  });
  const filterQuery = { status: d.filters.status === 'OPEN' ? undefined : d.filters.status || 'semua', level: d.filters.level, regionCode: d.filters.regionCode, agency: d.filters.agency, limit: d.limit };
  const next = d.nextCursor ? href('/console/cases', { ...filterQuery, cursor: d.nextCursor }) : null;
  return page({
    title: 'Kasus',
    viewer,
    nav: 'cases',
    body: html`<p>Kasus ketidakpatuhan di wilayah Anda; yang paling lama terbuka (paling terlambat) di atas.</p>
      ${filtersForm(d.filters)}
      ${rows.length
        ? html`<div class="table-wrap"><table class="stack"><caption class="sr-only">Daftar kasus</caption>
            <thead><tr><th scope="col">Proyek</th><th scope="col">Perangkat daerah</th><th scope="col">Alasan</th><th scope="col" class="num">Tingkat</th><th scope="col">Status</th><th scope="col">Dibuka</th></tr></thead>
            <tbody>${rows}</tbody></table></div>`
        : html`<p class="card">Tidak ada kasus yang cocok dengan saringan ini.</p>`}
      <nav class="pager" aria-label="Halaman">
        ${d.paged ? html`<a href="${href('/console/cases', filterQuery)}">« Halaman pertama</a>` : html`<span></span>`}
        ${next ? html`<a rel="next" href="${next}">Halaman berikutnya »</a>` : ''}
      </nav>`,
  });
}

export type ActionForm = 'acknowledge' | 'waive' | 'reverify';

export interface CasePageData {
  detail: CaseDetail;
  project: ProjectView;
  /** After a redirect: what was done (`?selesai=`). */
  done?: string;
  /** A refused form, re-shown with what was typed. */
  error?: { form: ActionForm; code: string; text: string };
  /** The evidence handed in for the project, with an official's confirm / reject forms (console/evidence). */
  evidence?: Html;
}

function describeEntry(e: TimelineEntry): Html {
  const d = e.details as Record<string, any>;
  switch (e.type) {
    case 'CaseOpened':
      return html`Alasan: ${(d.reasons as string[]).map(reasonLabelId).join('; ')}`;
    case 'EscalationLevelReached':
      return html`Tingkat ${e.level}: ${(d.recipients as string[] | undefined)?.map(positionId).join(', ') ?? ''}${d.nextEscalationAt ? html`. Naik lagi ${formatDateTime(d.nextEscalationAt)} bila belum selesai.` : ''}`;
    case 'CaseAcknowledged':
      return html`${positionId(d.by?.position)} menanggapi tingkat ${e.level}${d.note ? html`: “${d.note}”` : ''}`;
    case 'CaseWaived':
      return html`${positionId(d.by?.position)}: “${d.justification}”`;
    case 'CaseReasonsChanged':
      return html`Alasan kini: ${(d.reasons as string[]).map(reasonLabelId).join('; ')}`;
    case 'PaymentHoldRecommended':
      return html`Termin ${d.terminNumber}`;
    case 'PaymentHoldLifted':
      return html`Termin ${(d.terminNumbers as number[]).join(', ')}`;
    default:
      return html``;
  }
}

function timeline(detail: CaseDetail): Html {
  return html`<ol class="timeline">${detail.timeline.map(
    (e) => html`<li><strong>${CASE_EVENT_ID[e.type] ?? e.type}</strong> · <span class="muted">${formatDateTime(e.at)}</span><br>${describeEntry(e)}
      ${e.notifications.length
        ? html`<ul>${e.notifications.map(
            (n) => html`<li>${CHANNEL_ID[n.channel] ?? n.channel}${n.fallbackOf ? ' (WhatsApp belum dibaca)' : ''} ke ${n.position ? positionId(n.position) : (RECIPIENT_KIND_ID[n.recipientKind] ?? n.recipientKind)}:
              ${n.channel === 'WHATSAPP' ? whatsappStatus(n) : html`<span class="badge ${n.status === 'DELIVERED' ? 'b-ok' : n.status === 'FAILED' ? 'b-bad' : 'b-wait'}">${NOTIFICATION_STATUS_ID[n.status] ?? n.status}</span>
              ${n.deliveredAt ? html`<span class="muted">${formatDateTime(n.deliveredAt)}</span>` : ''}${n.status === 'FAILED' && n.lastErrorCode ? html` <span class="muted">(${n.lastErrorCode})</span>` : ''}`}</li>`,
          )}</ul>`
        : ''}</li>`,
  )}</ol>`;
}

function ladder(detail: CaseDetail): Html {
  const reachedAt = new Map(detail.timeline.filter((e) => e.type === 'EscalationLevelReached').map((e) => [e.level, e.at]));
  return html`<ol class="ladder" start="0">${detail.ladder.levels.map((l) => {
    const at = reachedAt.get(l.level);
    const current = detail.status === 'OPEN' && l.level === detail.currentLevel;
    return html`<li${current ? html` aria-current="step"` : ''}><strong>Tingkat ${l.level}</strong>: ${l.recipients.map(positionId).join(', ')}
      — ${at ? html`dicapai ${formatDateTime(at)}` : html`<span class="muted">belum dicapai</span>`}${l.waitBeforeNext ? html`; menunggu ${formatDuration(l.waitBeforeNext)} sebelum naik` : ''}${current ? html` <span class="badge b-info">tingkat sekarang</span>` : ''}</li>`;
  })}</ol>${detail.status === 'OPEN' && detail.nextEscalationAt ? html`<p>Naik ke tingkat berikutnya pada <strong>${formatDateTime(detail.nextEscalationAt)}</strong> bila belum selesai.</p>` : ''}`;
}

export const canAcknowledge = (p: Principal, detail: Pick<CaseDetail, 'status'>) => detail.status === 'OPEN' && hasRole(p, 'official');
export const canWaive = (p: Principal, detail: Pick<CaseDetail, 'status' | 'agencyCode'>) =>
  detail.status === 'OPEN' && hasRole(p, 'official') && mayWaive(p.position, p.agency, detail.agencyCode);

function actions(viewer: PageViewer, d: CasePageData): Html {
  const p = viewer.principal;
  const detail = d.detail;
  if (detail.status !== 'OPEN') return html`<p>Kasus ini ${(CASE_STATUS_ID[detail.status] ?? detail.status).toLowerCase()}; tidak ada tindakan lagi.</p>`;
  if (!hasRole(p, 'official')) return html`<p class="muted">Peran Anda hanya dapat membaca kasus ini.</p>`;
  const mine = detail.acknowledgements.find((a) => a.level === detail.currentLevel && a.by.sub === p.sub);
  const err = (form: ActionForm) =>
    d.error?.form === form ? html`<p class="notice error" role="alert" id="galat-${form}">${ACTION_ERROR_ID[d.error.code] ?? 'Tindakan tidak dapat dicatat.'}</p>` : '';
  const ack = canAcknowledge(p, detail)
    ? html`<form class="card" method="post" action="/console/cases/${detail.caseId}/acknowledge">
        <h3>Tanggapi tingkat ${detail.currentLevel}</h3>
        ${mine ? html`<p class="muted">Anda sudah menanggapi tingkat ini pada ${formatDateTime(mine.acknowledgedAt)}.</p>` : ''}
        ${err('acknowledge')}
        ${csrfField(viewer)}
        <label for="catatan">Catatan tindak lanjut</label>
        <textarea id="catatan" name="note" maxlength="${MAX_NOTE_LENGTH}"${d.error?.form === 'acknowledge' ? html` aria-describedby="galat-acknowledge"` : ''}>${d.error?.form === 'acknowledge' ? d.error.text : ''}</textarea>
        <p class="muted">Menanggapi mencatat bahwa Anda sudah melihat kasus ini; kasus tetap naik sampai proyek patuh.</p>
        <button type="submit">Catat tanggapan</button>
      </form>`
    : '';
  const waive = canWaive(p, detail)
    ? html`<form class="card" method="post" action="/console/cases/${detail.caseId}/waive" data-confirm="Kecualikan kasus ini? Penahanan pembayaran akan dicabut.">
        <h3>Kecualikan kasus</h3>
        ${err('waive')}
        ${csrfField(viewer)}
        <label for="alasan">Alasan pengecualian (paling sedikit ${MIN_JUSTIFICATION_LENGTH} karakter)</label>
        <textarea id="alasan" name="justification" required minlength="${MIN_JUSTIFICATION_LENGTH}" maxlength="2000"${d.error?.form === 'waive' ? html` aria-describedby="galat-waive"` : ''}>${d.error?.form === 'waive' ? d.error.text : ''}</textarea>
        <button type="submit" class="danger">Kecualikan kasus</button>
      </form>`
    : html`<p class="muted card">Pengecualian hanya dapat dilakukan oleh ${WAIVER_POSITIONS.map(positionId).join(', ')}; Kepala Dinas hanya untuk kasus perangkat daerahnya sendiri.</p>`;
  // A refusal of a form this viewer is not offered (a script posting it) still says why, above the forms.
  const orphan = d.error && d.error.form !== 'reverify' && !(d.error.form === 'acknowledge' ? canAcknowledge(p, detail) : canWaive(p, detail));
  const reverify = html`<form class="card" method="post" action="/console/cases/${detail.caseId}/reverify">
      <h3>Periksa ulang ke BPJS</h3>${err('reverify')}${csrfField(viewer)}
      <p>Bila penyedia sudah mendaftar atau membayar, minta Sinergi menanyakan kepesertaan proyek ini ke BPJS Ketenagakerjaan sekarang.</p>
      <button type="submit" class="secondary">Minta verifikasi ulang</button></form>`;
  return html`${orphan ? html`<p class="notice error" role="alert">${ACTION_ERROR_ID[d.error!.code] ?? 'Tindakan tidak dapat dicatat.'}</p>` : ''}<div class="actions">${ack}${waive}${reverify}</div>`;
}

export function casePage(viewer: PageViewer, d: CasePageData): Html {
  const { detail, project } = d;
  const { position, agency } = viewer.principal;
  const guidance =
    position === 'KEPALA_DINAS' && agency !== detail.agencyCode ? otherAgencyGuidanceId(project.agency.name) : position ? POSITION_GUIDANCE_ID[position] : null;
  const shortfall = BigInt(project.premiumDue) > BigInt(project.premiumPaid) ? BigInt(project.premiumDue) - BigInt(project.premiumPaid) : undefined;
  return page({
    title: `Kasus: ${project.name}`,
    viewer,
    nav: 'cases',
    crumbs: [{ label: 'Kasus', href: '/console/cases' }, { label: project.name }],
    body: html`${d.done && ACTION_DONE_ID[d.done] ? html`<p class="notice ok" role="status">${ACTION_DONE_ID[d.done]}</p>` : ''}
      <p>${statusBadge(detail.status)} · tingkat ${detail.currentLevel}${detail.paymentHold ? html` · <span class="badge b-wait">pembayaran termin ${detail.heldTermins.join(', ')} ditahan</span>` : ''}</p>
      ${guidance && detail.status === 'OPEN' ? html`<div class="notice"><strong>Yang perlu Anda lakukan (${positionId(viewer.principal.position)}):</strong> ${guidance}</div>` : ''}
      <section class="card" aria-labelledby="judul-masalah"><h2 id="judul-masalah">Masalah</h2>
        <ul>${detail.reasons.map((r) => html`<li>${reasonSentenceId(r as NonComplianceReason, r === 'PREMIUM_SHORTFALL' ? shortfall : undefined)}</li>`)}</ul>
      </section>
      <section class="card" aria-labelledby="judul-proyek"><h2 id="judul-proyek">Proyek</h2>
        <dl class="facts">
          <dt>Nama</dt><dd><a href="/console/projects/${project.id}">${project.name}</a></dd>
          <dt>Perangkat daerah</dt><dd>${project.agency.name}</dd>
          <dt>Penyedia</dt><dd>${project.contractor.name}</dd>
          <dt>Nomor kontrak</dt><dd>${project.contractNumber}, ${formatDate(project.contractDate)}</dd>
          <dt>Nilai kontrak</dt><dd>${formatMoney(project.contractValue)}</dd>
          <dt>Iuran terutang / dibayar</dt><dd>${formatMoney(project.premiumDue)} / ${formatMoney(project.premiumPaid)}</dd>
          <dt>Batas pendaftaran</dt><dd>${formatDate(project.registrationDeadline)}</dd>
          <dt>Status kepatuhan</dt><dd>${COMPLIANCE_STATUS_ID[project.complianceStatus] ?? project.complianceStatus}</dd>
        </dl>
      </section>
      <section aria-labelledby="judul-tindakan"><h2 id="judul-tindakan">Tindakan</h2>${actions(viewer, d)}</section>
      ${d.evidence ?? ''}
      <section class="card" aria-labelledby="judul-tangga"><h2 id="judul-tangga">Tangga eskalasi</h2>${ladder(detail)}</section>
      <section aria-labelledby="judul-riwayat"><h2 id="judul-riwayat">Riwayat dan pemberitahuan</h2>${timeline(detail)}</section>`,
  });
}
