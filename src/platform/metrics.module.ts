import { createServer, type Server } from 'node:http';
import { Controller, Get, Global, Header, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SinergiMetrics } from './metrics';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: SinergiMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

/** The worker has no HTTP API: it serves its metrics on WORKER_METRICS_PORT (0 turns this off). */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.workerMetricsPort === 0) return;
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      this.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    this.server.on('error', (error) => new Logger('WorkerMetrics').warn({ err: error.message }, 'metrics server failed'));
    this.server.listen(this.config.workerMetricsPort, this.config.host);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}

/** One metrics registry per process; the API serves it at /metrics, the worker on WORKER_METRICS_PORT. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(process: 'api' | 'worker', withController = process === 'api'): DynamicModule {
    return {
      module: MetricsModule,
      controllers: withController ? [MetricsController] : [],
      providers: [{ provide: SinergiMetrics, useFactory: () => new SinergiMetrics(process) }, ...(process === 'worker' ? [WorkerMetricsServer] : [])],
      exports: [SinergiMetrics],
    };
  }
}
