import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  Global,
  Header,
  Inject,
  Injectable,
  Logger,
  Module,
  NotFoundException,
  Req,
  UnauthorizedException,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SinergiMetrics } from './metrics';
import { QueueMetrics } from './queue-metrics';
import { TracingFlush } from './tracing';

/** Which process this is ('api' or 'worker'): it chooses the metrics port. */
export const METRICS_PROCESS = Symbol('METRICS_PROCESS');

/** Whether `authorization` carries `Bearer <token>`; compared in constant time (of the digests). */
export function bearerMatches(authorization: string | string[] | undefined, token: string): boolean {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * `/metrics` on the API's public port: only with METRICS_TOKEN set, and then only for its bearer; without a token
 * the route answers 404, as if it were not there (the metrics are on their own loopback port, METRICS_PORT).
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Req() req: { headers: IncomingMessage['headers'] }): Promise<string> {
    const token = this.config.metrics.token;
    if (token === null) throw new NotFoundException();
    if (!bearerMatches(req.headers.authorization, token)) throw new UnauthorizedException('metrics need the METRICS_TOKEN bearer token');
    return this.metrics.registry.metrics();
  }
}

/**
 * A process's metrics on a port of its own (the API's METRICS_PORT, the worker's WORKER_METRICS_PORT; 0 turns it off),
 * listening on METRICS_HOST (loopback by default); with METRICS_TOKEN set it asks for that bearer token too.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(METRICS_PROCESS) private readonly kind: 'api' | 'worker',
  ) {}

  private get port(): number {
    return this.kind === 'api' ? this.config.metrics.apiPort : this.config.workerMetricsPort;
  }

  /** Where it listens (for tests and the start-up lines); null while it does not. */
  address(): { host: string; port: number } | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? { host: address.address, port: address.port } : null;
  }

  onApplicationBootstrap(): Promise<void> | void {
    if (this.port === 0) return;
    const token = this.config.metrics.token;
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return void res.writeHead(404).end();
      if (token !== null && !bearerMatches(req.headers.authorization, token)) {
        return void res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end();
      }
      this.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
        () => res.writeHead(500).end(),
      );
    });
    const server = this.server;
    // A busy port (a second process on one host) costs the metrics of this process, never the process itself.
    return new Promise((resolve) => {
      server.once('listening', () => resolve());
      server.on('error', (error) => {
        this.logger.warn({ err: error.message, port: this.port, host: this.config.metrics.host }, 'metrics server failed');
        resolve();
      });
      server.listen(this.port, this.config.metrics.host);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * One metrics registry per process, with the queue gauges; served on the process's own metrics port (MetricsServer),
 * and on the API's public port at `/metrics` only behind METRICS_TOKEN. Buffered trace spans are flushed at shutdown.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(process: 'api' | 'worker', withController = process === 'api'): DynamicModule {
    return {
      module: MetricsModule,
      controllers: withController ? [MetricsController] : [],
      providers: [
        { provide: SinergiMetrics, useFactory: () => new SinergiMetrics(process) },
        { provide: METRICS_PROCESS, useValue: process },
        MetricsServer,
        QueueMetrics,
        TracingFlush,
      ],
      exports: [SinergiMetrics, MetricsServer],
    };
  }
}
