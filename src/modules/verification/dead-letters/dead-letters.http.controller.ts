import { Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DeadLetterListSchema, DeadLetterRetriedSchema } from '../verification.openapi';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { DEAD_LETTER_STATUSES, ListDeadLettersQuery, parseListDeadLettersParams } from './list-dead-letters/list-dead-letters.query';
import { RetryDeadLetterCommand } from './retry-dead-letter/retry-dead-letter.command';

/** Verifications that ran out of retries or that BPJS refused (docs/api.md), for admins of the project's region to replay. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/ops/dead-letters')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class DeadLettersHttpController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  @ApiOperation({ summary: "Dead letters of projects in the admin's regions, newest first: failed verifications (kind VERIFICATION_FAILED) and early events that expired or could not be applied (HELD_EVENT_EXPIRED, HELD_EVENT_REFUSED); ?status=open|retried|all" })
  @ApiQuery({ name: 'status', required: false, enum: [...DEAD_LETTER_STATUSES] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ type: DeadLetterListSchema })
  @ApiResponse({ status: 400, description: 'invalid_query: status or limit malformed' })
  list(@CurrentPrincipal() principal: Principal, @Query('status') status?: string, @Query('limit') limit?: string) {
    const params = parseListDeadLettersParams(status, limit);
    return this.queries.execute(new ListDeadLettersQuery(params.status, params.limit, principal));
  }

  @Post(':id/retry')
  @ApiOperation({ summary: 'Queue the verification again (a new job; the dead letter is marked retried)' })
  @ApiCreatedResponse({ type: DeadLetterRetriedSchema })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions (the same answer)" })
  @ApiResponse({ status: 409, description: 'already_retried' })
  retry(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new RetryDeadLetterCommand(id, principal));
  }
}
