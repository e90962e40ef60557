import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Region, RegionsRepository } from './regions.repository';

/** Regions by code, for naming them (region codes are public): the known ones, in the order asked. */
export class GetRegionsQuery extends Query<Region[]> {
  constructor(readonly codes: readonly string[]) {
    super();
  }
}

/** The regions above a region, province first ('73.07.05' → 73, 73.07); empty for a province or an unknown code. */
export class ListRegionAncestorsQuery extends Query<Region[]> {
  constructor(readonly code: string) {
    super();
  }
}

@QueryHandler(GetRegionsQuery)
export class GetRegionsHandler implements IQueryHandler<GetRegionsQuery> {
  constructor(private readonly regions: RegionsRepository) {}

  async execute({ codes }: GetRegionsQuery): Promise<Region[]> {
    const found = await Promise.all(codes.map((code) => this.regions.find(code)));
    return found.filter((r): r is Region => r !== null);
  }
}

@QueryHandler(ListRegionAncestorsQuery)
export class ListRegionAncestorsHandler implements IQueryHandler<ListRegionAncestorsQuery> {
  constructor(private readonly regions: RegionsRepository) {}

  execute({ code }: ListRegionAncestorsQuery): Promise<Region[]> {
    return this.regions.ancestors(code);
  }
}
