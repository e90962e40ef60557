import type { Principal } from '@sinergi/auth';
import { CONSOLE_SCRIPT, CONSOLE_STYLESHEET } from '../assets/console-assets';
import type { ConsoleAccess } from '../auth/console-auth.guard';
import { CSRF_FIELD } from '../auth/console-auth.guard';
import { type Html, html, type HtmlValue } from './html';
import { roleId } from './labels-id';

export type NavItem = 'coverage' | 'cases' | 'audit' | 'admin' | 'none';

export interface PageViewer {
  principal: Principal;
  access: ConsoleAccess;
}

export interface PageOptions {
  title: string;
  viewer?: PageViewer;
  nav?: NavItem;
  crumbs?: { label: string; href?: string }[];
  body: HtmlValue;
  /** Reload the page after this many seconds (a job's progress, with no script). */
  refreshSeconds?: number;
}

/** The hidden CSRF field of a session's form; nothing for a bearer request, which needs none. */
export function csrfField(viewer: PageViewer): Html {
  return viewer.access.via === 'session' ? html`<input type="hidden" name="${CSRF_FIELD}" value="${viewer.access.csrfToken}">` : html``;
}

function navigation(viewer: PageViewer, current: NavItem): Html {
  const item = (key: NavItem, href: string, label: string) =>
    html`<li><a href="${href}"${current === key ? html` aria-current="page"` : ''}>${label}</a></li>`;
  const who = viewer.principal.name ?? viewer.principal.sub;
  return html`<nav class="main" aria-label="Menu utama"><ul>
      ${item('coverage', '/console', 'Cakupan')}
      ${item('cases', '/console/cases', 'Kasus')}
      ${viewer.principal.roles.some((r) => r === 'auditor' || r === 'admin') ? item('audit', '/console/audit', 'Audit') : ''}
      ${viewer.principal.roles.includes('admin') ? item('admin', '/console/admin', 'Admin') : ''}
      ${viewer.principal.roles.includes('admin') ? item('none', '/console/antrean', 'Antrean') : ''}
    </ul></nav>
    <div class="who"><span>${who} · ${roleId(viewer.principal)}</span>
      ${viewer.access.via === 'session'
        ? html`<form method="post" action="/console/keluar">${csrfField(viewer)}<button type="submit">Keluar</button></form>`
        : ''}
    </div>`;
}

/** The page shell: lang="id", responsive viewport, the bundled stylesheet and script, skip link and landmarks. */
export function page(o: PageOptions): Html {
  const crumbs = o.crumbs?.length
    ? html`<nav class="crumbs" aria-label="Remah roti"><ol>${o.crumbs.map((c) => html`<li>${c.href ? html`<a href="${c.href}">${c.label}</a>` : html`<span aria-current="page">${c.label}</span>`}</li>`)}</ol></nav>`
    : '';
  return html`<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.refreshSeconds ? html`<meta http-equiv="refresh" content="${o.refreshSeconds}">
` : ''}<title>${o.title} · Sinergi</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${CONSOLE_STYLESHEET.path}">
<script src="${CONSOLE_SCRIPT.path}" defer></script>
</head>
<body>
<a class="skip" href="#isi">Langsung ke isi</a>
<header class="top"><div class="bar">
  <a class="brand" href="/console">Sinergi<small>Kepatuhan BPJS Ketenagakerjaan Jasa Konstruksi</small></a>
  ${o.viewer ? navigation(o.viewer, o.nav ?? 'none') : ''}
</div></header>
<main id="isi">
${crumbs}
<h1>${o.title}</h1>
${o.body}
</main>
<footer>Sinergi · waktu ditampilkan dalam WITA (UTC+8)</footer>
</body>
</html>`;
}
