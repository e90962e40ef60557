import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { assertCanWrite, canSeeRegion, CurrentPrincipal, isPosition, JwtAuthGuard, POSITIONS, type Principal, resourceNotFound, Roles } from '@sinergi/auth';
import { invalid, isUuid } from '@sinergi/common';
import { parseRegionCode } from '@sinergi/domain';
import { validatedBody } from '@sinergi/common/validation';
import { OfficialListSchema, OfficialSchema, OfficialWithSecretSchema } from './directory.openapi';
import { CreateOfficialRequestDto, UpdateOfficialRequestDto } from './official.dto';
import { type Official, OfficialsRepository } from './officials.repository';


/** The officials directory (docs/api.md, §10): admins manage it within their regions. Secrets are shown once. */
@ApiTags('escalation')
@ApiBearerAuth()
@Controller('v1/admin/officials')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class OfficialsHttpController {
  constructor(private readonly officials: OfficialsRepository) {}

  @Post()
  @ApiOperation({ summary: 'Add an official; with a webhook URL, the signing secret is returned in this answer only' })
  @ApiCreatedResponse({ type: OfficialWithSecretSchema, description: 'The official, plus webhookSecret when a webhook URL was given' })
  @ApiResponse({ status: 400, description: 'Invalid body, or webhook_url_not_allowed (private, loopback or internal address)' })
  @ApiResponse({ status: 403, description: "regionScope outside the admin's regions" })
  async create(@Body(validatedBody()) body: CreateOfficialRequestDto, @CurrentPrincipal() principal: Principal) {
    assertCanWrite(principal, body.regionScope, 'this region scope');
    const { official, webhookSecret } = await this.officials.create({
      name: body.name.trim(),
      position: body.position,
      regionScope: body.regionScope,
      agencyCode: body.agencyCode ?? null,
      email: body.email ?? null,
      whatsapp: body.whatsapp ?? null,
      whatsappOptIn: body.whatsappOptIn ?? false,
      webhookUrl: body.webhookUrl ?? null,
    });
    return webhookSecret ? { ...official, webhookSecret } : official;
  }

  @Get()
  @ApiOperation({ summary: "Officials in the admin's regions; ?regionCode= keeps those covering or within it, ?position= one position" })
  @ApiQuery({ name: 'regionCode', required: false })
  @ApiQuery({ name: 'position', required: false, enum: POSITIONS })
  @ApiOkResponse({ type: OfficialListSchema })
  async list(@CurrentPrincipal() principal: Principal, @Query('regionCode') regionCode?: string, @Query('position') position?: string) {
    if (regionCode !== undefined && parseRegionCode(regionCode) === null) {
      throw invalid('invalid_query', 'regionCode must be a region code such as 73.07', [{ path: 'regionCode', code: 'invalid_region_code', message: 'regionCode must be a region code such as 73.07' }]);
    }
    if (position !== undefined && !isPosition(position)) {
      throw invalid('invalid_query', `position must be one of ${POSITIONS.join(', ')}`, [{ path: 'position', code: 'unknown_position', message: `position must be one of ${POSITIONS.join(', ')}` }]);
    }
    const items = await this.officials.list({ regionCode, position: position as Official['position'] | undefined });
    return { items: items.filter((o) => canSeeRegion(principal, o.regionScope)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One official of the directory' })
  @ApiOkResponse({ type: OfficialSchema })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions" })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.visible(id, principal);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change name, email, whatsapp, whatsappOptIn, webhookUrl, subject or active; a first webhook URL returns its new secret once',
    description: "subject links the official to a sign-in (the JWT sub), whose inbox then receives the official's items; null unlinks it.",
  })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions (the same answer)" })
  @ApiOkResponse({ type: OfficialWithSecretSchema, description: 'The official as changed, plus webhookSecret when a first webhook URL was given' })
  @ApiResponse({ status: 409, description: 'subject_taken: the subject is linked to another official' })
  async update(@Param('id') id: string, @Body(validatedBody()) body: UpdateOfficialRequestDto, @CurrentPrincipal() principal: Principal) {
    await this.visible(id, principal);
    const result = await this.officials.update(id, {
      name: body.name?.trim(),
      email: body.email,
      whatsapp: body.whatsapp,
      whatsappOptIn: body.whatsappOptIn,
      webhookUrl: body.webhookUrl,
      active: body.active,
      subject: body.subject,
    });
    if (!result) throw resourceNotFound('official');
    return result.webhookSecret ? { ...result.official, webhookSecret: result.webhookSecret } : result.official;
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate the official (kept for the record; no longer notified)' })
  @ApiOkResponse({ type: OfficialSchema, description: 'The official, now inactive' })
  @ApiResponse({ status: 404, description: "Unknown, or outside the admin's regions (the same answer)" })
  async deactivate(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    await this.visible(id, principal);
    const official = await this.officials.deactivate(id);
    if (!official) throw resourceNotFound('official');
    return official;
  }

  /**
   * Out of scope is 404, as if the official did not exist, for reads and writes alike: a 403 on a write would
   * reveal that the id is a real official of another region.
   */
  private async visible(id: string, principal: Principal): Promise<Official> {
    // PostgreSQL reads a uuid in either case, and so does this route.
    const key = id.toLowerCase();
    const official = isUuid(key) ? await this.officials.findById(key) : null;
    if (!official || !canSeeRegion(principal, official.regionScope)) throw resourceNotFound('official');
    return official;
  }
}
