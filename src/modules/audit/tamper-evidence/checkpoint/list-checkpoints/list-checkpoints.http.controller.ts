import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CheckpointListSchema } from '../../../audit.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { MAX_CHECKPOINT_PAGE, parseListCheckpointsQuery } from './list-checkpoints.handler';
import { ListCheckpointsQuery } from './list-checkpoints.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/checkpoints')
@UseGuards(JwtAuthGuard)
@Roles('auditor', 'admin')
export class ListCheckpointsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Signed checkpoints of the log, newest first, with the public key',
    description:
      'Each checkpoint signs (Ed25519, over its RFC 8785 JSON) the log head position and transaction id, the Merkle root over the stream heads, ' +
      'the stream and event counts and the time. signing.publicKey is the key in use (PEM, JWK, key id = SHA-256 of its SPKI); ' +
      'publicKeys lists every key that signed a checkpoint on the page. Cursor pagination: pass nextCursor as ?cursor=.',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `1 to ${MAX_CHECKPOINT_PAGE}; default 50` })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ type: CheckpointListSchema })
  @ApiResponse({ status: 400, description: 'invalid_query (application/problem+json)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest) {
    return this.queries.execute(new ListCheckpointsQuery(parseListCheckpointsQuery(query), principal, req.id));
  }
}
