import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { VerificationSchema } from '../../../audit.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { GetVerificationQuery } from './get-verification.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/verifications')
@UseGuards(JwtAuthGuard)
@Roles('auditor', 'admin')
export class GetVerificationHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A verification job: status, progress, and once completed its result',
    description:
      'result: ok, scanned and checked events, checked and broken streams, the first broken link {streamId, version, position, reason, expected, found} and up to 100 more; ' +
      'for the whole log also the latest checkpoint, its signature checked and its Merkle root recomputed from the log.',
  })
  @ApiOkResponse({ type: VerificationSchema })
  @ApiResponse({ status: 404, description: "Unknown, or covering regions outside the caller's" })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    return this.queries.execute(new GetVerificationQuery(id, principal, req.id));
  }
}
