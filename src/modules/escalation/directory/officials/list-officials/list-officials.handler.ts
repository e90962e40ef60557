import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { canSeeRegion, isPosition, POSITIONS } from '@sinergi/auth';
import { invalid } from '@sinergi/common';
import { parseRegionCode } from '@sinergi/domain';
import { type Official, OfficialsRepository } from '../../officials.repository';
import { ListOfficialsQuery } from './list-officials.query';

@QueryHandler(ListOfficialsQuery)
export class ListOfficialsHandler implements IQueryHandler<ListOfficialsQuery> {
  constructor(private readonly officials: OfficialsRepository) {}

  async execute({ reader, regionCode, position }: ListOfficialsQuery): Promise<{ items: Official[] }> {
    if (regionCode !== undefined && parseRegionCode(regionCode) === null) {
      throw invalid('invalid_query', 'regionCode must be a region code such as 73.07', [{ path: 'regionCode', code: 'invalid_region_code', message: 'regionCode must be a region code such as 73.07' }]);
    }
    if (position !== undefined && !isPosition(position)) {
      throw invalid('invalid_query', `position must be one of ${POSITIONS.join(', ')}`, [{ path: 'position', code: 'unknown_position', message: `position must be one of ${POSITIONS.join(', ')}` }]);
    }
    const items = await this.officials.list({ regionCode, position: position as Official['position'] | undefined });
    return { items: items.filter((o) => canSeeRegion(reader, o.regionScope)) };
  }
}
