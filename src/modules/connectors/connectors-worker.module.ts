import { Module } from '@nestjs/common';
import { ProcurementClientRepository } from '../procurement-clients/procurement-client.repository';
import { HeldEventsWorkerModule } from '../project-intake/held-events/held-events-worker.module';
import { ConnectorMetrics } from './connector.metrics';
import { InaprocPullProcessor } from './inaproc/inaproc-pull.processor';
import { InaprocPuller } from './inaproc/inaproc-puller';

/**
 * The worker's side of pull connectors: the scheduled INAPROC pull. Its events go through the ingest's command
 * handler, which the worker has with intake's held-events module.
 */
@Module({
  imports: [HeldEventsWorkerModule],
  providers: [ProcurementClientRepository, InaprocPuller, InaprocPullProcessor, ConnectorMetrics],
})
export class ConnectorsWorkerModule {}
