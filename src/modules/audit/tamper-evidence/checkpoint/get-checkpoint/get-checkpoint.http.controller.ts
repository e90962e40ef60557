import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CheckpointDocumentSchema } from '../../../audit.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GetCheckpointQuery } from './get-checkpoint.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/checkpoints')
@UseGuards(JwtAuthGuard)
@Roles('auditor', 'admin')
export class GetCheckpointHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({
    summary: 'One checkpoint as a downloadable document for the offline check',
    description:
      'Self-contained: the signed checkpoint, the exact signed text, the signature, the public key (PEM, JWK, key id) and how to verify. ' +
      'Check it with no database: npm run cli -- audit:verify --checkpoint FILE [--public-key PEM]; with --database URL the chains and the Merkle root are recomputed too.',
  })
  @ApiParam({ name: 'id', description: 'Checkpoint id, or latest' })
  @ApiOkResponse({ type: CheckpointDocumentSchema, description: 'The checkpoint document (Content-Disposition: attachment)' })
  @ApiResponse({ status: 404, description: 'No such checkpoint' })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const document = await this.queries.execute(new GetCheckpointQuery(id, principal, req.id));
    reply.header('content-disposition', `attachment; filename="sinergi-checkpoint-${document.id}.json"`);
    return document;
  }
}
