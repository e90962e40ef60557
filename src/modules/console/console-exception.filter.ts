import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { safeError } from '@sinergi/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from '../../platform/problem-exception.filter';
import { html } from './view/html';
import { page } from './view/layout';
import { redirect, sendPage, wantsHtml } from './view/respond';

const TITLES: Record<number, [string, string]> = {
  400: ['Permintaan tidak valid', 'Alamat atau isian yang dikirim tidak dapat dibaca. Periksa kembali lalu coba lagi.'],
  401: ['Silakan masuk', 'Halaman ini hanya untuk pengguna yang sudah masuk.'],
  403: ['Tidak berwenang', 'Akun Anda tidak berwenang membuka halaman atau melakukan tindakan ini.'],
  404: ['Halaman tidak ditemukan', 'Halaman yang Anda cari tidak ada, atau berada di luar wilayah kewenangan Anda.'],
  409: ['Tidak dapat diproses', 'Data sudah berubah sejak halaman dibuka. Muat ulang halaman lalu coba lagi.'],
};

/** The sign-in page, returning to `path` afterwards (only a console path, never another site). */
export const signInHref = (path: string) => `/console/masuk?kembali=${encodeURIComponent(path.startsWith('/console') ? path : '/console')}`;

/**
 * Console errors as pages in Bahasa Indonesia: a browser without a session is sent to sign in (303), anyone else
 * gets the status with a short page (401 with `WWW-Authenticate: Bearer`). A 404 reads the same whether the thing
 * does not exist or lies outside the reader's regions. Nothing of the request is logged but its route.
 */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const problem = toProblem(error);
    if (problem.status === 401 && req.method === 'GET' && wantsHtml(req.headers.accept)) {
      redirect(reply, signInHref(req.url));
      return;
    }
    if (problem.status >= 500) this.logger.error({ err: safeError(error), reqId: req.id, path: req.routeOptions?.url }, 'console request failed');
    const [title, text] = TITLES[problem.status] ?? ['Terjadi kesalahan', 'Permintaan tidak dapat diselesaikan. Coba lagi beberapa saat lagi.'];
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    const body = html`<div class="card"><p>${text}</p>
      <p>${problem.status === 401 ? html`<a class="button" href="${signInHref(req.url)}">Masuk</a>` : html`<a href="/console">Kembali ke beranda konsol</a>`}</p>
      <p class="muted">Kode: ${problem.code ?? problem.status}</p></div>`;
    sendPage(reply, page({ title, body }), problem.status);
  }
}
