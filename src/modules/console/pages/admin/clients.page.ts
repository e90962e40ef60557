import type { ClientListing } from '../../../procurement-clients/procurement-client.repository';
import { formatCount, formatDateTime } from '../../view/console-format';
import { errorSummary, inputField } from '../../view/form';
import { type Html, html } from '../../view/html';
import { csrfField, page, type PageViewer } from '../../view/layout';
import { adminCrumbs, adminTabs } from './admin-region';

export const CLIENT_FIELD_LABEL_ID: Record<string, string> = {
  id: 'ID klien',
  name: 'Nama',
  regionScopes: 'Wilayah',
  sourceSystem: 'Nama sistem sumber',
  rateLimitPerMinute: 'Batas permintaan per menit',
  webhookUrl: 'Alamat webhook',
};

export const CLIENT_FIELD_ERROR_ID: Record<string, string> = {
  id: 'ID klien terdiri atas 2–63 huruf kecil, angka atau tanda hubung, diawali huruf atau angka, dan belum dipakai klien lain.',
  name: 'Tulis nama sistem pengadaan yang dibaca petugas, misalnya “SPSE Kabupaten Sinjai” (paling banyak 200 karakter).',
  regionScopes: 'Tulis satu atau beberapa kode wilayah di wilayah kewenangan Anda, dipisah koma, misalnya 73.07.',
  sourceSystem: 'Nama sistem sumber paling banyak 100 karakter.',
  rateLimitPerMinute: 'Tulis bilangan bulat lebih dari nol, atau kosongkan untuk batas bawaan.',
  webhookUrl: 'Alamat webhook harus https ke alamat publik (bukan alamat internal).',
};

export type ClientFormValues = Record<'id' | 'name' | 'regionScopes' | 'sourceSystem' | 'rateLimitPerMinute' | 'webhookUrl', string>;

export interface ClientsPageData {
  regionCode: string;
  clients: ClientListing[];
  form?: { values: ClientFormValues; errors: Record<string, string>; fallback?: string };
  /** A secret just made (a new client, or a rotation): shown in this answer only, never again. */
  secret?: { clientId: string; secret: string; rotated: boolean };
  done?: string;
}

const IDS: Record<string, string> = Object.fromEntries(Object.keys(CLIENT_FIELD_LABEL_ID).map((f) => [f, `k-${f}`]));

function clientsTable(viewer: PageViewer, list: readonly ClientListing[]): Html {
  if (list.length === 0) return html`<p class="card">Belum ada sistem pengadaan untuk wilayah Anda.</p>`;
  return html`<div class="table-wrap"><table class="stack"><caption class="sr-only">Sistem pengadaan</caption>
    <thead><tr><th scope="col">Nama</th><th scope="col">ID klien</th><th scope="col">Wilayah</th><th scope="col">Webhook</th><th scope="col" class="num">Rahasia aktif</th><th scope="col">Status</th><th scope="col">Rahasia</th></tr></thead>
    <tbody>${list.map(
      (c) => html`<tr>
        <th scope="row">${c.name}</th>
        <td data-label="ID klien"><code>${c.id}</code></td>
        <td data-label="Wilayah">${c.regionScopes.join(', ')}</td>
        <td data-label="Webhook">${c.webhookUrl ? 'ada' : '—'}</td>
        <td data-label="Rahasia aktif" class="num">${formatCount(c.activeSecrets)}${c.newestSecretAt ? html` <small class="muted">(terbaru ${formatDateTime(c.newestSecretAt)})</small>` : ''}</td>
        <td data-label="Status">${c.disabledAt ? html`<span class="badge b-wait">nonaktif sejak ${formatDateTime(c.disabledAt)}</span>` : html`<span class="badge b-ok">aktif</span>`}</td>
        <td data-label="Rahasia"><div class="actions-inline">
          <form method="post" action="/console/admin/clients/${c.id}/rotate">${csrfField(viewer)}<button type="submit" class="secondary" aria-label="Buat rahasia baru untuk ${c.name}">Buat rahasia baru</button></form>
          ${c.activeSecrets > 1 ? html`<form method="post" action="/console/admin/clients/${c.id}/retire">${csrfField(viewer)}<button type="submit" class="secondary" aria-label="Cabut rahasia lama ${c.name}">Cabut rahasia lama</button></form>` : ''}
        </div></td>
      </tr>`,
    )}</tbody></table></div>`;
}

function createForm(viewer: PageViewer, d: ClientsPageData): Html {
  const v = d.form?.values ?? { id: '', name: '', regionScopes: d.regionCode, sourceSystem: '', rateLimitPerMinute: '', webhookUrl: '' };
  const e = d.form?.errors ?? {};
  return html`<form method="post" action="/console/admin/clients" class="card" aria-labelledby="judul-klien-baru" novalidate>
    <h2 id="judul-klien-baru">Tambah sistem pengadaan</h2>
    ${csrfField(viewer)}
    ${d.form ? errorSummary(e, IDS, CLIENT_FIELD_LABEL_ID, d.form.fallback) : ''}
    <div class="form-grid">
      ${inputField({ id: IDS.id, name: 'id', label: 'ID klien', value: v.id, error: e.id, required: true, maxlength: 63, autocomplete: 'off', hint: 'Huruf kecil, angka dan tanda hubung, misalnya spse-7307.' })}
      ${inputField({ id: IDS.name, name: 'name', label: 'Nama', value: v.name, error: e.name, required: true, maxlength: 200 })}
      ${inputField({ id: IDS.regionScopes, name: 'regionScopes', label: 'Wilayah (kode)', value: v.regionScopes, error: e.regionScopes, required: true, inputmode: 'decimal', hint: 'Dipisah koma, misalnya 73.07.' })}
      ${inputField({ id: IDS.sourceSystem, name: 'sourceSystem', label: 'Nama sistem sumber (opsional)', value: v.sourceSystem, error: e.sourceSystem, hint: 'Dicatat bersama setiap peristiwanya; bawaan: ID klien.' })}
      ${inputField({ id: IDS.rateLimitPerMinute, name: 'rateLimitPerMinute', label: 'Batas permintaan per menit (opsional)', value: v.rateLimitPerMinute, error: e.rateLimitPerMinute, inputmode: 'numeric' })}
      ${inputField({ id: IDS.webhookUrl, name: 'webhookUrl', label: 'Alamat webhook (opsional, https)', type: 'url', value: v.webhookUrl, error: e.webhookUrl, inputmode: 'url', hint: 'Tujuan rekomendasi penahanan pembayaran dan pencabutannya.' })}
    </div>
    <button type="submit">Tambah sistem pengadaan</button>
  </form>`;
}

export function clientsPage(viewer: PageViewer, d: ClientsPageData): Html {
  const s = d.secret;
  return page({
    title: 'Sistem pengadaan',
    viewer,
    nav: 'admin',
    crumbs: adminCrumbs(d.regionCode, 'Sistem pengadaan'),
    body: html`${adminTabs('clients', d.regionCode)}
      ${d.done === 'retired' ? html`<p class="notice ok" role="status">Rahasia lama sudah dicabut: hanya rahasia terbaru yang berlaku.</p>` : ''}
      ${s
        ? html`<div class="notice ok" role="status"><p><strong>${s.rotated ? `Rahasia baru untuk ${s.clientId}` : `Sistem pengadaan ${s.clientId} sudah dibuat.`}</strong> Rahasia penandatanganan (HMAC) hanya ditampilkan sekali ini: salin sekarang dan pasang di sistem pengadaan. Sinergi tidak dapat menampilkannya lagi.</p>
            <p><code class="break secret">${s.secret}</code></p>
            ${s.rotated ? html`<p>Rahasia lama tetap berlaku sampai Anda mencabutnya, agar sistem pengadaan dapat beralih tanpa terputus.</p>` : ''}</div>`
        : ''}
      <p class="muted">Sistem pengadaan (SPSE, SIRUP) mengirim peristiwa kontrak ke Sinergi dengan tanda tangan HMAC. Rahasianya tidak pernah ditampilkan di daftar ini; yang tampil hanya berapa yang aktif.</p>
      ${clientsTable(viewer, d.clients)}
      ${createForm(viewer, d)}`,
  });
}
