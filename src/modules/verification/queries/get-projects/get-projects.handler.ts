import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, isUuid, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { foldGroup, readStreamsOf } from '@sinergi/event-store';
import { ReadDatabase } from '../../../../platform/read-routing';
import type { ProjectView } from '../get-project/get-project.query';
import { projectStreams, projectView } from '../get-project/project-view';
import { GetProjectsQuery } from './get-projects.query';

/** Every project's two streams in one read, folded and checked one by one as GetProjectHandler does. */
@QueryHandler(GetProjectsQuery)
export class GetProjectsHandler implements IQueryHandler<GetProjectsQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  async execute({ projectIds, reader }: GetProjectsQuery): Promise<Map<string, ProjectView | null>> {
    const unique = [...new Set(projectIds)];
    const valid = unique.filter((id) => isUuid(id));
    const groups = new Map(valid.map((id) => [id, projectStreams(id)]));
    const streams = await readStreamsOf(
      await this.reads.store(),
      [...groups.values()].flatMap((g) => [g.project.streamId, g.compliance.streamId]),
    );
    const now = this.clock.now();
    return new Map(unique.map((id) => [id, groups.has(id) ? projectView(id, foldGroup(groups.get(id)!, streams), reader, this.config, now) : null]));
  }
}
