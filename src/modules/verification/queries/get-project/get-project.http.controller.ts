import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedRequest } from '../../../../platform/openapi/security';
import { ProjectSchema } from '../../verification.openapi';
import { GetProjectQuery } from './get-project.query';
import { ReaderAuthGuard, type ReaderRequest } from './reader-auth.guard';

@ApiTags('projects')
@ApiBearerAuth()
@ApiSignedRequest()
@Controller('v1/projects')
@UseGuards(ReaderAuthGuard)
export class GetProjectHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A project with its compliance status, reasons, premium due and paid, and registration deadline',
    description: 'Officials, auditors and admins with a JWT, or a procurement client with its signature; projects outside the caller\'s regions answer 404.',
  })
  @ApiOkResponse({ type: ProjectSchema, description: 'Money as integer-rupiah strings; complianceStatus PENDING | COMPLIANT | NON_COMPLIANT | UNVERIFIABLE' })
  @ApiResponse({ status: 404, description: 'Unknown, or outside the caller\'s regions' })
  get(@Param('id') id: string, @Req() req: ReaderRequest) {
    return this.queries.execute(new GetProjectQuery(id, req.reader!));
  }
}
