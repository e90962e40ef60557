import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertCanWrite } from '@sinergi/auth';
import { type FieldError, invalid } from '@sinergi/common';
import { LadderRepository } from '../../ladder.repository';
import { checkLadderRegionCode, type LadderView, ladderView } from '../ladder-view';
import { SetLadderCommand } from './set-ladder.command';

/** Fields a PUT body may carry; the server assigns the version, so a `version` sent back from a GET is ignored. */
const LADDER_BODY_FIELDS = new Set(['regionCode', 'version', 'levels']);

/** A new version of the region's ladder (never an overwrite), by an admin of the region. */
@CommandHandler(SetLadderCommand)
export class SetLadderHandler implements ICommandHandler<SetLadderCommand> {
  constructor(private readonly ladders: LadderRepository) {}

  async execute({ regionCode, body, admin }: SetLadderCommand): Promise<LadderView> {
    checkLadderRegionCode(regionCode);
    assertCanWrite(admin, regionCode, 'this region');
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
    return ladderView(await this.ladders.saveNewVersion(regionCode, fields.levels, admin.sub), regionCode);
  }
}
