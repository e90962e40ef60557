import { prettyFactory } from 'pino-pretty';

/** Nest's start-up chatter (a line per module and per route): dropped in local mode, where a person reads the log. */
const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);
const INFO = 30;

interface LogLine {
  level?: number;
  context?: string;
  msg?: string;
  method?: string;
  route?: string;
  statusCode?: number;
  responseTime?: number;
  [key: string]: unknown;
}

let lastLineAt = 0;

/** One short line per entry: time, level, `Context: message` (a request as `GET /v1/cases/:id → 200 in 12 ms`), other fields inline. */
export function formatLocalLogLine(colorize = false): (line: LogLine) => string {
  return prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,context,req,res,method,route,statusCode,responseTime,correlationId',
    messageFormat: (log: LogLine, messageKey: string) => {
      const where = log.context ? `${log.context}: ` : '';
      if (log.route && log.statusCode !== undefined) return `${where}${log.method} ${log.route} → ${log.statusCode} in ${Math.round(log.responseTime ?? 0)} ms`;
      return `${where}${String(log[messageKey] ?? '')}`;
    },
  }) as (line: LogLine) => string;
}

/**
 * The destination of pino in local mode (SINERGI_MODE=local): human-readable lines through pino-pretty, written to
 * stdout in order with everything else start:local prints (no worker thread, so its banner can come last), without
 * Nest's per-module and per-route start-up lines. Production and test keep pino's JSON lines.
 */
export function localLogStream(out: { write(text: string): unknown; isTTY?: boolean } = process.stdout): { write(line: string): void } {
  const format = formatLocalLogLine(out.isTTY === true);
  return {
    write(line: string) {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        out.write(line);
        return;
      }
      if ((entry.level ?? INFO) <= INFO && entry.context && QUIET_CONTEXTS.has(entry.context)) return;
      lastLineAt = Date.now();
      out.write(format(entry));
    },
  };
}

/** Resolves once no log line has been written for `quietMs` (or after `maxMs` at most): start:local prints its banner then. */
export async function logsQuiet(quietMs = 400, maxMs = 5000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const idle = Date.now() - lastLineAt;
    if (idle >= quietMs || Date.now() - started >= maxMs) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs - idle, 100)));
  }
}
