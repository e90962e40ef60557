import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertCanRead, resourceNotFound } from '@sinergi/auth';
import { LadderRepository } from '../../ladder.repository';
import { checkLadderRegionCode, type LadderView, ladderView } from '../ladder-view';
import { GetLadderQuery } from './get-ladder.query';

/** 404 when no ladder applies, or when the region is outside the reader's scope (the same answer). */
@QueryHandler(GetLadderQuery)
export class GetLadderHandler implements IQueryHandler<GetLadderQuery> {
  constructor(private readonly ladders: LadderRepository) {}

  async execute({ regionCode, reader }: GetLadderQuery): Promise<LadderView> {
    checkLadderRegionCode(regionCode);
    assertCanRead(reader, regionCode, 'ladder');
    const ladder = await this.ladders.effectiveLadder(regionCode);
    if (!ladder) throw resourceNotFound('ladder');
    return ladderView(ladder, regionCode);
  }
}
