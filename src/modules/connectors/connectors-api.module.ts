import { Module } from '@nestjs/common';
import { ConnectorMetrics } from './connector.metrics';
import { ListConnectorRejectsHandler } from './rejects/list-connector-rejects.handler';
import { ListConnectorRejectsHttpController } from './rejects/list-connector-rejects.http.controller';

/** The API's side of pull connectors: their rejects for admins, and the last successful pull on /metrics. */
@Module({ controllers: [ListConnectorRejectsHttpController], providers: [ListConnectorRejectsHandler, ConnectorMetrics] })
export class ConnectorsApiModule {}
