import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CaseDetailSchema } from '../../cases.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { GetCaseQuery } from './get-case.query';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor', 'admin')
export class GetCaseHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({
    summary: 'One case as its stream tells it: ladder, levels reached, next escalation, acknowledgements, held termins, timeline',
    description: 'Each timeline entry carries the notifications its event caused (channel, recipient position, status, attempts), never addresses or names.',
  })
  @ApiOkResponse({ type: CaseDetailSchema, description: 'The case' })
  @ApiResponse({ status: 404, description: "Unknown, malformed id, or outside the caller's regions" })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetCaseQuery(id, principal));
  }
}
