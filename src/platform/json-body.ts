import { problem } from '@sinergi/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem } from './problem-exception.filter';

/** The JSON API: every route under it takes its body as application/json and nothing else. */
export const JSON_API_PREFIX = '/v1/';

/**
 * `application/json`, with or without parameters (`; charset=utf-8`); not `+json` suffixes nor anything else, and no
 * charset but UTF-8 (the only encoding of JSON, RFC 8259: a body labelled otherwise would be read as what it is not).
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  const [type, ...params] = (contentType ?? '').split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  return charset === undefined || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(charset);
}

/** Whether the request carries a body at all (a length above 0, or a chunked one). */
export function carriesBody(req: Pick<FastifyRequest, 'headers'>): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

/**
 * Refuses, before it is parsed, a body on a JSON API route that is not `application/json` in UTF-8, or that is
 * compressed (a Content-Encoding other than identity): 415 unsupported_media_type
 * as a problem document. Fastify alone would read `text/plain` as a string and (with Nest's raw-body parsers)
 * `application/x-www-form-urlencoded` as an object, both then refused later as invalid fields. The console's forms
 * and the identity provider live outside the prefix and keep their parsers.
 */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (req, reply) => {
    if (reply.sent || !req.routeOptions?.url?.startsWith(JSON_API_PREFIX) || !carriesBody(req)) return;
    const contentType = req.headers['content-type'];
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      // Nothing here inflates a body: a compressed one would be read (and its signature checked) as what it is not.
      sendProblem(reply, problem(415, 'unsupported_media_type', 'the request body has a Content-Encoding: send it uncompressed'), req.url);
      return reply;
    }
    if (isJsonContentType(contentType)) return;
    const sent = contentType ? `was sent as ${contentType.trim().slice(0, 100)}` : 'has no Content-Type';
    sendProblem(reply, problem(415, 'unsupported_media_type', `the request body ${sent}: send it as application/json (UTF-8)`), req.url);
    return reply;
  });
}
