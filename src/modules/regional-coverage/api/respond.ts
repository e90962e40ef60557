import type { FastifyReply } from 'fastify';
import { CSV_CONTENT_TYPE } from '@sinergi/common';

/**
 * Answers JSON, or the same data as CSV when asked for (`wantsCsv`): `text/csv; charset=utf-8` with a file name
 * for the spreadsheet. Either way `Vary: Accept`, so no cache hands one form to a client asking for the other.
 */
export function answer<T>(reply: FastifyReply, csv: boolean, json: T, toCsvText: (json: T) => string, filename: string): T | string {
  reply.header('vary', 'Accept');
  if (!csv) return json;
  reply.header('content-type', CSV_CONTENT_TYPE).header('content-disposition', `attachment; filename="${filename}"`);
  return toCsvText(json);
}
