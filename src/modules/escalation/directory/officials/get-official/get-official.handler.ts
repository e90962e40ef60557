import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Official, OfficialsRepository } from '../../officials.repository';
import { visibleOfficial } from '../visible-official';
import { GetOfficialQuery } from './get-official.query';

@QueryHandler(GetOfficialQuery)
export class GetOfficialHandler implements IQueryHandler<GetOfficialQuery> {
  constructor(private readonly officials: OfficialsRepository) {}

  execute({ id, reader }: GetOfficialQuery): Promise<Official> {
    return visibleOfficial(this.officials, id, reader);
  }
}
