import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { LadderSchema, LadderVersionsSchema, SetLadderRequestSchema } from './directory.openapi';
import { GetLadderQuery } from './ladders/get-ladder/get-ladder.query';
import { ListLadderVersionsQuery } from './ladders/list-ladder-versions/list-ladder-versions.query';
import { SetLadderCommand } from './ladders/set-ladder/set-ladder.command';

/** Escalation ladders per region (docs/api.md): admins change them; every change is a new version. */
@ApiTags('escalation')
@ApiBearerAuth()
@Controller('v1/admin/ladders')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class LaddersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':regionCode')
  @ApiOperation({
    summary: "Store a new version of the region's ladder (never overwrites)",
    description: 'Body `{ levels: [{ level, recipients: [position…], waitBeforeNext: ISO-8601 duration | null }] }`.',
  })
  @ApiBody({ type: SetLadderRequestSchema })
  @ApiOkResponse({ type: LadderSchema, description: 'The stored version' })
  @ApiResponse({ status: 400, description: 'Invalid ladder (application/problem+json, failing paths in errors)' })
  @ApiResponse({ status: 403, description: "Region outside the admin's scope" })
  put(@Param('regionCode') regionCode: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new SetLadderCommand(regionCode, body, principal));
  }

  @Get(':regionCode')
  @ApiOperation({ summary: "The ladder that applies to the region: its own latest version, else its nearest ancestor's" })
  @ApiOkResponse({ type: LadderSchema })
  @ApiResponse({ status: 404, description: "No ladder applies, or the region is outside the admin's scope" })
  get(@Param('regionCode') regionCode: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetLadderQuery(regionCode, principal));
  }

  @Get(':regionCode/versions')
  @ApiOperation({ summary: "Every version of the region's own ladder, oldest first (no inheritance)" })
  @ApiOkResponse({ type: LadderVersionsSchema, description: 'Empty items when the region has no ladder of its own' })
  @ApiResponse({ status: 404, description: "The region is outside the admin's scope" })
  versions(@Param('regionCode') regionCode: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListLadderVersionsQuery(regionCode, principal));
  }
}
