import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiAcceptedResponse, ApiOperation, ApiTags, ApiResponse } from '@nestjs/swagger';
import { invalid, problem, ProblemError } from '@sinergi/common';
import type { FastifyReply } from 'fastify';
import { ClientThrottlerGuard } from '../../../procurement-clients/client-throttler.guard';
import { HmacSignatureGuard, type SignedRequest } from '../../../procurement-clients/hmac-signature.guard';
import { ApiSignedRequest } from '../../../../platform/openapi/security';
import {
  PROCUREMENT_EVENT_REF,
  PROCUREMENT_EVENT_SCHEMAS,
  ProcurementEventAcceptedSchema,
  ProcurementEventBatchResultSchema,
  ProcurementEventBatchSchema,
} from './procurement-event.openapi';
import { toProblem } from '../../../../platform/problem-exception.filter';
import { type IngestItemResult, RecordProcurementEventsCommand } from './record-procurement-events.command';

export const MAX_BATCH = 500;

const RATE_LIMITED = ApiResponse({
  status: 429,
  description:
    'Rate limit in events per minute, per client, one budget for this route and the other (a single event costs 1, a batch of N costs N). ' +
    'A request whose events do not all fit in what is left is refused whole and records nothing; see Retry-After (seconds)',
});

@ApiTags('procurement')
@ApiSignedRequest()
@ApiExtraModels(...PROCUREMENT_EVENT_SCHEMAS)
@Controller('v1/procurement/events')
@UseGuards(HmacSignatureGuard, ClientThrottlerGuard)
export class RecordProcurementEventHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Record one procurement event (signed, idempotent by client + eventId)' })
  @ApiBody({ schema: PROCUREMENT_EVENT_REF })
  @ApiAcceptedResponse({
    type: ProcurementEventAcceptedSchema,
    description:
      'Recorded; or, when the project is not registered yet, held: `{ projectId, eventId, held: true }`, applied in source order with the ' +
      'registration (a hold with no registration within HELD_EVENT_TTL_DAYS becomes a HELD_EVENT_EXPIRED dead letter)',
  })
  @ApiOkResponse({ type: ProcurementEventAcceptedSchema, description: 'A repeat of an event already recorded (duplicate: true)' })
  @ApiResponse({ status: 400, description: 'Invalid event (application/problem+json, failing paths in errors)' })
  @ApiResponse({ status: 401, description: 'Missing, stale or wrong signature' })
  @ApiResponse({ status: 403, description: 'Region outside the client scope' })
  @ApiResponse({ status: 409, description: 'The same event is still being processed, or the project state refuses it' })
  @ApiResponse({ status: 413, description: 'Body larger than 1 MiB' })
  @ApiResponse({ status: 422, description: 'eventId reused with a different body' })
  @RATE_LIMITED
  async record(@Req() req: SignedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const [result] = await this.commands.execute(new RecordProcurementEventsCommand(req.procurementClient!, [body], String(req.id)));
    if (result.outcome === 'refused') throw result.error;
    if (result.outcome === 'failed') throw new ProblemError(ITEM_FAILED);
    reply.status(statusOf(result));
    return result.answer;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: `Record up to ${MAX_BATCH} procurement events; answered per item, in order` })
  @ApiBody({ type: ProcurementEventBatchSchema })
  @ApiOkResponse({ type: ProcurementEventBatchResultSchema, description: 'An accepted object or a problem document per event, in order' })
  @ApiResponse({ status: 400, description: 'The body is not `{ "events": [...] }` with 1 to 500 events (each event is answered in results)' })
  @RATE_LIMITED
  async recordBatch(@Req() req: SignedRequest, @Body() body: unknown) {
    const events = batchItems(body);
    const results = await this.commands.execute(new RecordProcurementEventsCommand(req.procurementClient!, events, String(req.id)));
    return { results: results.map(itemAnswer) };
  }
}

/** A defect while deciding one item: it alone fails (the handler logged it). */
const ITEM_FAILED = problem(500, 'internal_error', 'this event could not be processed; it has been logged');

/** 202 for an event recorded (or held), 200 for a repeat of one. */
const statusOf = (result: Extract<IngestItemResult, { answer: unknown }>) => (result.outcome === 'duplicate' ? 200 : 202);

/** A batch item as the batch answers it: the accepted object with its status, or the problem document (the filter's mapping). */
function itemAnswer(result: IngestItemResult) {
  if (result.outcome === 'refused') return toProblem(result.error);
  if (result.outcome === 'failed') return ITEM_FAILED;
  return { status: statusOf(result), ...result.answer };
}

function batchItems(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('validation_failed', 'the batch must be an object { "events": [...] }', [{ path: '', code: 'invalid_type', message: 'expected an object' }]);
  }
  const extra = Object.keys(body).filter((k) => k !== 'events');
  if (extra.length) {
    throw invalid('validation_failed', 'the batch has unknown fields', extra.map((k) => ({ path: k, code: 'unknown_field', message: `${k} is not a known field` })));
  }
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH) {
    throw invalid('validation_failed', `events must be an array of 1 to ${MAX_BATCH} events`, [
      { path: 'events', code: Array.isArray(events) && events.length > MAX_BATCH ? 'too_many' : 'invalid_type', message: `events must be an array of 1 to ${MAX_BATCH} events` },
    ]);
  }
  return events;
}
