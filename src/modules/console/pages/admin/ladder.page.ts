import { POSITIONS } from '@sinergi/auth';
import type { LadderView } from '../../../escalation/directory/ladders/ladder-view';
import { formatDateTime, formatDuration } from '../../view/console-format';
import { checkboxField } from '../../view/form';
import { type Html, href, html } from '../../view/html';
import { positionId } from '../../view/labels-id';
import { csrfField, page, type PageViewer } from '../../view/layout';
import { adminCrumbs, adminTabs } from './admin-region';
import { emptyLadderRow, type LadderRow, rowsOfLadder, WAIT_UNITS } from './ladder-form';

export interface LadderPageData {
  regionCode: string;
  ladder: LadderView | null;
  /** The rows as typed, after a refusal, with each row's errors and the ladder's own. */
  form?: { rows: LadderRow[]; rowErrors: Record<number, string[]>; general: string[] };
  done?: boolean;
}

function row(r: LadderRow, i: number, errors: string[] | undefined, isNew: boolean): Html {
  const id = `tingkat-${i}`;
  const errorId = `${id}-galat`;
  return html`<fieldset class="card level" id="${id}"${errors?.length ? html` aria-describedby="${errorId}"` : ''}>
    <legend>${isNew ? 'Tingkat baru (opsional)' : `Tingkat ${i}`}</legend>
    ${errors?.length ? html`<div class="field-error" id="${errorId}">${errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
    <p class="muted">Penerima pemberitahuan:</p>
    <ul class="checks">${POSITIONS.map(
      (p) => html`<li><input type="checkbox" id="l${i}_${p}" name="l${i}_${p}" value="ya"${r.recipients.includes(p) ? html` checked` : ''}><label for="l${i}_${p}">${positionId(p)}</label></li>`,
    )}</ul>
    <div class="form-grid">
      <div class="field"><label for="l${i}_wait">Naik ke tingkat berikutnya setelah</label><input id="l${i}_wait" name="l${i}_wait" type="text" inputmode="numeric" value="${r.wait}"${errors?.length ? html` aria-invalid="true"` : ''}>
        <p class="hint">Kosongkan pada tingkat tertinggi.</p></div>
      <div class="field"><label for="l${i}_unit">Satuan</label><select id="l${i}_unit" name="l${i}_unit">${Object.keys(WAIT_UNITS).map((u) => html`<option value="${u}"${u === r.unit ? html` selected` : ''}>${u}</option>`)}</select></div>
    </div>
    ${isNew ? '' : checkboxField({ id: `l${i}_remove`, name: `l${i}_remove`, label: 'Hapus tingkat ini', checked: r.remove })}
  </fieldset>`;
}

export function ladderPage(viewer: PageViewer, d: LadderPageData): Html {
  const l = d.ladder;
  // The stored levels (or the rows as typed), plus one blank row to add a level.
  const rows = d.form?.rows ?? [...(l ? rowsOfLadder(l.levels) : []), emptyLadderRow()];
  const general = d.form?.general ?? [];
  const refused = d.form && (general.length > 0 || Object.keys(d.form.rowErrors).length > 0);
  return page({
    title: `Tangga eskalasi ${d.regionCode}`,
    viewer,
    nav: 'admin',
    crumbs: adminCrumbs(d.regionCode, 'Tangga eskalasi'),
    body: html`${adminTabs('ladder', d.regionCode)}
      ${d.done ? html`<p class="notice ok" role="status">Tangga eskalasi sudah disimpan sebagai versi baru${l ? ` (versi ${l.version})` : ''}. Kasus yang sudah berjalan tetap memakai versinya.</p>` : ''}
      ${l
        ? html`<div class="card"><p>Berlaku: versi ${l.version}${l.inherited ? html` milik wilayah ${l.regionCode} (wilayah ini belum memiliki tangga sendiri; menyimpan membuat tangga sendiri)` : ''}, sejak ${formatDateTime(l.createdAt)}.</p>
            <ol class="ladder">${l.levels.map((level) => html`<li><strong>Tingkat ${level.level}</strong>: ${level.recipients.map(positionId).join(', ')}${level.waitBeforeNext ? html` — naik setelah ${formatDuration(level.waitBeforeNext)}` : html` — tingkat tertinggi`}</li>`)}</ol></div>`
        : html`<p class="card">Belum ada tangga eskalasi untuk wilayah ini.</p>`}
      <form method="post" action="${href('/console/admin/ladder', { regionCode: d.regionCode })}" aria-labelledby="judul-ubah-tangga" novalidate>
        <h2 id="judul-ubah-tangga">Ubah tangga</h2>
        ${csrfField(viewer)}
        <input type="hidden" name="rows" value="${rows.length}">
        ${refused ? html`<div class="notice error" role="alert"><p><strong>Tangga belum dapat disimpan.</strong> Periksa tingkat yang ditandai.</p>${general.map((g) => html`<p>${g}</p>`)}
          <ul>${Object.keys(d.form!.rowErrors).map((i) => html`<li><a href="#tingkat-${i}">Tingkat ${i}</a>: ${d.form!.rowErrors[Number(i)].join(' ')}</li>`)}</ul></div>` : ''}
        <p class="muted">Setiap perubahan disimpan sebagai versi baru; tingkat dinomori ulang berurutan dan tingkat terakhir tidak memiliki lama tunggu.</p>
        ${rows.map((r, i) => row(r, i, d.form?.rowErrors[i], i === rows.length - 1 && !d.form))}
        <button type="submit">Simpan tangga</button>
      </form>`,
  });
}
