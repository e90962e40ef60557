import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, JwtAuthGuard, POSITIONS, type Principal, Roles } from '@sinergi/auth';
import { validatedBody } from '@sinergi/common/validation';
import { OfficialListSchema, OfficialSchema, OfficialWithSecretSchema } from './directory.openapi';
import { CreateOfficialRequestDto, UpdateOfficialRequestDto } from './official.dto';
import { CreateOfficialCommand } from './officials/create-official/create-official.command';
import { DeactivateOfficialCommand } from './officials/deactivate-official/deactivate-official.command';
import { GetOfficialQuery } from './officials/get-official/get-official.query';
import { ListOfficialsQuery } from './officials/list-officials/list-officials.query';
import { UpdateOfficialCommand } from './officials/update-official/update-official.command';


/** The officials directory (docs/api.md, §10): admins manage it within their regions. Secrets are shown once. */
@ApiTags('escalation')
@ApiBearerAuth()
@Controller('v1/admin/officials')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class OfficialsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add an official; with a webhook URL, the signing secret is returned in this answer only' })
  @ApiCreatedResponse({ type: OfficialWithSecretSchema, description: 'The official, plus webhookSecret when a webhook URL was given' })
  @ApiResponse({ status: 400, description: 'Invalid body, or webhook_url_not_allowed (private, loopback or internal address)' })
  @ApiResponse({ status: 403, description: "regionScope outside the admin's regions" })
  async create(@Body(validatedBody()) body: CreateOfficialRequestDto, @CurrentPrincipal() principal: Principal) {
    const input = {
      name: body.name.trim(),
      position: body.position,
      regionScope: body.regionScope,
      agencyCode: body.agencyCode ?? null,
      email: body.email ?? null,
      whatsapp: body.whatsapp ?? null,
      whatsappOptIn: body.whatsappOptIn ?? false,
      webhookUrl: body.webhookUrl ?? null,
    };
    return this.commands.execute(new CreateOfficialCommand(input, principal));
  }

  @Get()
  @ApiOperation({ summary: "Officials in the admin's regions; ?regionCode= keeps those covering or within it, ?position= one position" })
  @ApiQuery({ name: 'regionCode', required: false })
  @ApiQuery({ name: 'position', required: false, enum: POSITIONS })
  @ApiOkResponse({ type: OfficialListSchema })
  list(@CurrentPrincipal() principal: Principal, @Query('regionCode') regionCode?: string, @Query('position') position?: string) {
    return this.queries.execute(new ListOfficialsQuery(principal, regionCode, position));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One official of the directory' })
  @ApiOkResponse({ type: OfficialSchema })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions" })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetOfficialQuery(id, principal));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change name, email, whatsapp, whatsappOptIn, webhookUrl, subject or active; a first webhook URL returns its new secret once',
    description: "subject links the official to a sign-in (the JWT sub), whose inbox then receives the official's items; null unlinks it.",
  })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions (the same answer)" })
  @ApiOkResponse({ type: OfficialWithSecretSchema, description: 'The official as changed, plus webhookSecret when a first webhook URL was given' })
  @ApiResponse({ status: 409, description: 'subject_taken: the subject is linked to another official' })
  update(@Param('id') id: string, @Body(validatedBody()) body: UpdateOfficialRequestDto, @CurrentPrincipal() principal: Principal) {
    const patch = {
      name: body.name?.trim(),
      email: body.email,
      whatsapp: body.whatsapp,
      whatsappOptIn: body.whatsappOptIn,
      webhookUrl: body.webhookUrl,
      active: body.active,
      subject: body.subject,
    };
    return this.commands.execute(new UpdateOfficialCommand(id, patch, principal));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate the official (kept for the record; no longer notified)' })
  @ApiOkResponse({ type: OfficialSchema, description: 'The official, now inactive' })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions (the same answer)" })
  deactivate(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new DeactivateOfficialCommand(id, principal));
  }
}
