import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertCanRead } from '@sinergi/auth';
import { LadderRepository } from '../../ladder.repository';
import { checkLadderRegionCode, ladderView } from '../ladder-view';
import { type LadderVersions, ListLadderVersionsQuery } from './list-ladder-versions.query';

@QueryHandler(ListLadderVersionsQuery)
export class ListLadderVersionsHandler implements IQueryHandler<ListLadderVersionsQuery> {
  constructor(private readonly ladders: LadderRepository) {}

  async execute({ regionCode, reader }: ListLadderVersionsQuery): Promise<LadderVersions> {
    checkLadderRegionCode(regionCode);
    assertCanRead(reader, regionCode, 'ladder');
    const versions = await this.ladders.versions(regionCode);
    return { regionCode, items: versions.map((v) => ladderView(v, regionCode)) };
  }
}
