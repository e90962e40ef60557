import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuditEventSchema } from '../../audit.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExportEventsQuery } from './export-events.query';
import { EXPORT_FORMATS } from './export-format';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/export')
@UseGuards(JwtAuthGuard)
@Roles('auditor')
export class ExportEventsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "Every event in the caller's regions (and time range), streamed in commit order from one snapshot",
    description:
      'NDJSON: one event per line (the shape of the project history\'s events), the last line {"type":"trailer","count":N,"sha256":"<hex>"}. ' +
      'CSV (RFC 4180, CRLF): a header row, one row per event with data, metadata and personal_data as JSON, every cell that a spreadsheet ' +
      'would take for a formula (= + - @ tab CR) prefixed with \', the last line "# count=N sha256=<hex>". The digest is the SHA-256 of every ' +
      'byte before the trailer; a download without its trailer is incomplete. The same count and digest come as HTTP trailers ' +
      'x-audit-count and x-audit-sha256. Masking as in the project history; every export is recorded (started, then completed or aborted).',
  })
  @ApiQuery({ name: 'regionCode', required: false, description: 'The region and everything below it; outside the caller\'s regions is 404', example: '73.07' })
  @ApiQuery({ name: 'from', required: false, description: 'Recorded at or after (ISO-8601 instant with offset)' })
  @ApiQuery({ name: 'to', required: false, description: 'Recorded before (ISO-8601 instant with offset)' })
  @ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS, description: 'Default ndjson' })
  @ApiExtraModels(AuditEventSchema)
  @ApiOkResponse({
    description: 'The export, streamed (chunked), ending with its trailer line',
    headers: { 'Content-Disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } } },
    content: {
      'application/x-ndjson': {
        schema: { type: 'string', description: 'One JSON object a line: an event (the AuditEvent schema), then {"type":"trailer","count":N,"sha256":"<hex>"}' },
      },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV, UTF-8, CRLF: a header row, one row per event, then "# count=N sha256=<hex>"' } },
    },
  })
  @ApiResponse({ status: 400, description: 'invalid_query: errors[].path names the parameter at fault' })
  @ApiResponse({ status: 404, description: "regionCode outside the caller's regions" })
  @ApiResponse({ status: 429, description: 'exports_busy: this server runs its maximum of concurrent exports' })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const opened = await this.queries.execute(new ExportEventsQuery(principal, query, String(req.id)));
    reply
      .type(opened.writer.contentType)
      .header('content-disposition', `attachment; filename="${opened.filename}"`)
      .header('cache-control', 'no-store')
      .trailer('x-audit-count', async () => String(opened.summary().count))
      .trailer('x-audit-sha256', async () => opened.summary().sha256 ?? '');
    await reply.send(opened.stream);
  }
}
