import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface MailCatcherOptions {
  /** Where each message is saved as `<timestamp>-<n>.eml`; created when missing. */
  dir: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /** Told of each message saved: its subject, how many recipients it had (never who), the running count, the file. */
  onMessage?: (message: CaughtMessage) => void;
}

export interface CaughtMessage {
  subject: string | null;
  /** Envelope recipients of the message. */
  to: number;
  /** Messages caught so far, this one included. */
  count: number;
  file: string;
}

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL. */
  url: string;
  /** Messages caught so far. */
  readonly count: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * A local SMTP server on 127.0.0.1 that accepts every message and keeps it as an `.eml` file instead of sending it
 * on, so `start:local` can show notification e-mails without a real mail server. No TLS, no authentication.
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  // Loaded here, not at the top: these are devDependencies, absent from the production image that also carries this library.
  const { SMTPServer } = require('smtp-server') as typeof import('smtp-server');
  const { simpleParser } = require('mailparser') as typeof import('mailparser');

  await mkdir(options.dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 1000,
    logger: false,
    onData(stream, session, callback) {
      // The session's envelope is reset once the message is answered: count the recipients now.
      const to = session.envelope.rcptTo.length;
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message exceeds the maximum size'), { responseCode: 552 }));
            return;
          }
          count += 1;
          const n = count;
          const file = join(options.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${n}.eml`);
          await writeFile(file, raw);
          const subject = await simpleParser(raw).then(
            (mail) => mail.subject ?? null,
            () => null,
          );
          try {
            options.onMessage?.({ subject, to, count: n, file });
          } catch {
            // A listener's failure is its own; the message is already saved.
          }
          // Answered last, so a sender that saw 250 finds the file written and the listener told.
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
