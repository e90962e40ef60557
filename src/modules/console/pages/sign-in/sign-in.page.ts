import { type Html, html } from '../../view/html';
import { page } from '../../view/layout';

export interface SignInPageData {
  /** Where to go after signing in (a console path). */
  back: string;
  /** The provider's name as officials know it. */
  providerName: string;
  signedOut?: boolean;
  error?: string;
}

export const SIGN_IN_ERROR_ID: Record<string, string> = {
  state: 'Proses masuk kedaluwarsa atau tidak dikenal. Silakan ulangi.',
  claims: 'Akun Anda belum memiliki peran atau wilayah di Sinergi. Hubungi admin.',
  provider: 'Penyedia identitas menolak atau gagal memproses permintaan masuk. Silakan ulangi.',
  unavailable: 'Penyedia identitas belum dikonfigurasi untuk server ini.',
};

export function signInPage(d: SignInPageData): Html {
  return page({
    title: 'Masuk ke konsol Sinergi',
    body: html`${d.signedOut ? html`<p class="notice ok" role="status">Anda sudah keluar.</p>` : ''}
      ${d.error ? html`<p class="notice error" role="alert">${SIGN_IN_ERROR_ID[d.error] ?? SIGN_IN_ERROR_ID.provider}</p>` : ''}
      <div class="card">
        <p>Konsol ini untuk pejabat, auditor dan admin pemerintah daerah yang memantau kepatuhan BPJS Ketenagakerjaan pada proyek konstruksi.</p>
        <p><a class="button" href="/console/masuk/oidc?kembali=${encodeURIComponent(d.back)}">Masuk dengan ${d.providerName}</a></p>
        <p class="muted">Skrip dan aplikasi dapat memakai token API yang sama (<code>Authorization: Bearer</code>).</p>
      </div>`,
  });
}
