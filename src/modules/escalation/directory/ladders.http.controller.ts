import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { assertCanRead, assertCanWrite, CurrentPrincipal, JwtAuthGuard, type Principal, resourceNotFound, Roles } from '@sinergi/auth';
import { type FieldError, invalid } from '@sinergi/common';
import { parseRegionCode } from '@sinergi/domain';
import { LadderRepository, type StoredLadder } from './ladder.repository';

/** Fields a PUT body may carry; the server assigns the version, so a `version` sent back from a GET is ignored. */
const LADDER_BODY_FIELDS = new Set(['regionCode', 'version', 'levels']);

/** Escalation ladders per region (DESIGN §6): admins change them; every change is a new version. */
@ApiTags('escalation')
@ApiBearerAuth()
@Controller('v1/admin/ladders')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class LaddersHttpController {
  constructor(private readonly ladders: LadderRepository) {}

  @Put(':regionCode')
  @ApiOperation({
    summary: "Store a new version of the region's ladder (never overwrites)",
    description: 'Body `{ levels: [{ level, recipients: [position…], waitBeforeNext: ISO-8601 duration | null }] }`.',
  })
  @ApiBody({ schema: { type: 'object', required: ['levels'], properties: { levels: { type: 'array', items: { type: 'object' } } } } })
  @ApiResponse({ status: 200, description: 'The stored version' })
  @ApiResponse({ status: 400, description: 'Invalid ladder (application/problem+json, failing paths in errors)' })
  @ApiResponse({ status: 403, description: "Region outside the admin's scope" })
  async put(@Param('regionCode') regionCode: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    checkRegionCode(regionCode);
    assertCanWrite(principal, regionCode, 'this region');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid('invalid_ladder', 'the body must be an object with levels', [{ path: '', code: 'not_an_object', message: 'the body must be an object with levels' }]);
    }
    const errors: FieldError[] = [];
    for (const key of Object.keys(body)) {
      if (!LADDER_BODY_FIELDS.has(key)) errors.push({ path: key, code: 'unknown_field', message: `${key} is not a known field` });
    }
    const fields = body as Record<string, unknown>;
    if (fields.regionCode !== undefined && fields.regionCode !== regionCode) {
      errors.push({ path: 'regionCode', code: 'region_mismatch', message: `regionCode must be omitted or equal ${regionCode}` });
    }
    if (errors.length) throw invalid('invalid_ladder', 'the ladder is not valid', errors);
    return view(await this.ladders.saveNewVersion(regionCode, fields.levels, principal.sub), regionCode);
  }

  @Get(':regionCode')
  @ApiOperation({ summary: "The ladder that applies to the region: its own latest version, else its nearest ancestor's" })
  @ApiResponse({ status: 404, description: "No ladder applies, or the region is outside the admin's scope" })
  async get(@Param('regionCode') regionCode: string, @CurrentPrincipal() principal: Principal) {
    checkRegionCode(regionCode);
    assertCanRead(principal, regionCode, 'ladder');
    const ladder = await this.ladders.effectiveLadder(regionCode);
    if (!ladder) throw resourceNotFound('ladder');
    return view(ladder, regionCode);
  }

  @Get(':regionCode/versions')
  @ApiOperation({ summary: "Every version of the region's own ladder, oldest first (no inheritance)" })
  async versions(@Param('regionCode') regionCode: string, @CurrentPrincipal() principal: Principal) {
    checkRegionCode(regionCode);
    assertCanRead(principal, regionCode, 'ladder');
    const versions = await this.ladders.versions(regionCode);
    return { regionCode, items: versions.map((v) => view(v, regionCode)) };
  }
}

function checkRegionCode(regionCode: string): void {
  if (parseRegionCode(regionCode) === null) {
    throw invalid('invalid_region_code', 'regionCode must be a region code such as 73.07', [
      { path: 'regionCode', code: 'invalid_region_code', message: 'regionCode must be a region code such as 73.07' },
    ]);
  }
}

/** `appliesTo` is the region asked about; `inherited` says the ladder belongs to an ancestor. */
function view(ladder: StoredLadder, appliesTo: string) {
  return {
    regionCode: ladder.regionCode,
    version: ladder.version,
    levels: ladder.levels,
    appliesTo,
    inherited: ladder.regionCode !== appliesTo,
    createdAt: ladder.createdAt,
    createdBy: ladder.createdBy,
  };
}
