import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, isUuid, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { resourceNotFound } from '@sinergi/auth';
import { loadStreamGroup } from '@sinergi/event-store';
import { GetProjectQuery, type ProjectView } from './get-project.query';
import { projectStreams, projectView } from './project-view';
import { ReadDatabase } from '../../../../platform/read-routing';

/** The project as its two streams tell it: the procurement facts and what verification found. */
@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  async execute({ projectId, reader }: GetProjectQuery): Promise<ProjectView> {
    if (!isUuid(projectId)) throw resourceNotFound('project');
    const streams = await loadStreamGroup(await this.reads.store(), projectStreams(projectId));
    const view = projectView(projectId, streams, reader, this.config, this.clock.now());
    if (!view) throw resourceNotFound('project');
    return view;
  }
}
