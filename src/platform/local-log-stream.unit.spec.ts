import pino from 'pino';
import { localLogStream, logsQuiet } from './local-log-stream';

/** pino writing through the local stream into `lines`, as nestjs-pino does in local mode. */
function localLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, localLogStream({ write: (text: string) => lines.push(text) }));
  return { logger, lines };
}

describe('local log stream', () => {
  it('writes one short line per entry: time, level, context and message, other fields inline, no pid or hostname', () => {
    const { logger, lines } = localLogger();
    logger.info({ context: 'AuditJobs', checkpointId: '1' }, 'audit checkpoint signed');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: AuditJobs: audit checkpoint signed \{"checkpointId":"1"\}\n$/);
    expect(lines[0]).not.toContain('hostname');
    expect(lines[0]).not.toContain('"pid"');
  });

  it('says a request as method, route, status and time', () => {
    const { logger, lines } = localLogger();
    logger.info({ method: 'GET', route: '/v1/cases/:id', statusCode: 200, responseTime: 12, correlationId: 'c-1' }, 'request completed');

    expect(lines[0]).toMatch(/INFO: GET \/v1\/cases\/:id → 200 in 12 ms\n$/);
  });

  it("drops Nest's per-module and per-route start-up lines, but never their warnings", () => {
    const { logger, lines } = localLogger();
    logger.info({ context: 'InstanceLoader' }, 'ApiModule dependencies initialized');
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/v1/cases, GET} route');
    logger.info({ context: 'NestApplication' }, 'Nest application successfully started');
    logger.warn({ context: 'RoutesResolver' }, 'something odd');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('WARN: RoutesResolver: something odd');
  });

  it('waits for the logs to go quiet, and no longer than it is told', async () => {
    const { logger } = localLogger();
    logger.info('a line');
    const started = Date.now();
    await logsQuiet(150, 1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);

    const busy = setInterval(() => logger.info('busy'), 20);
    const capped = Date.now();
    await logsQuiet(150, 300);
    clearInterval(busy);
    expect(Date.now() - capped).toBeLessThan(600);
  });
});
