import type { FastifyReply } from 'fastify';
import type { Html } from './html';

/** Pages load only what Sinergi serves; forms post only to Sinergi; nothing frames the console. */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

export function sendPage(reply: FastifyReply, markup: Html, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    // Pages hold data of the signed-in person's scope: never kept by a shared cache or the back button of another user.
    .header('cache-control', 'no-store')
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY')
    // The time the server spent on the page (request received to page rendered), for the browser's tools and bench:console.
    .header('server-timing', serverTiming(reply))
    .send(markup.value);
}

/** `Server-Timing: app;dur=<ms>`: the time since the request arrived, as Fastify measures it. */
export const serverTiming = (reply: FastifyReply) => `app;dur=${reply.elapsedTime.toFixed(1)}`;

/** 303 See Other: after a form, the browser GETs the result page, so a reload never posts twice. */
export function redirect(reply: FastifyReply, location: string, cookies: string[] = []): FastifyReply {
  if (cookies.length) reply.header('set-cookie', cookies);
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/** Whether the client is a browser asking for a page (rather than a script that wants a status code). */
export function wantsHtml(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return /text\/html|application\/xhtml\+xml/i.test(value);
}
