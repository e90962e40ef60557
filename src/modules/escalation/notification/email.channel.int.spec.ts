import { createServer, type AddressInfo, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { EmailChannel } from './email.channel';
import { caseEscalatedMessage } from './message-templates';
import { DeliveryPermanentError, DeliveryTemporaryError } from './notification.types';

// Real SMTP servers on ephemeral ports: plain text, no auth, STARTTLS disabled so the client never upgrades.

const message = caseEscalatedMessage({
  caseId: 'case-7307-1',
  projectId: 'prj-1',
  projectName: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
  projectRef: '10080116000',
  regionName: 'Kabupaten Sinjai',
  contractorName: 'CV Karya Bersama',
  contractorNpwp: '0012345678901000',
  agencyName: 'Dinas PUPR Kabupaten Sinjai',
  level: 1,
  reasons: ['ENROLMENT_MISSING', 'PREMIUM_SHORTFALL'],
  premiumDue: '3252703',
  premiumPaid: '0',
  registrationDeadline: '2025-05-16',
  nextEscalationAt: '2025-05-23T01:00:00Z',
  nextRecipientPositions: ['INSPEKTORAT', 'SEKDA'],
  caseUrl: 'https://sinergi.example/cases/case-7307-1',
});
const recipient = 'kepala.dinas@sinjaikab.example';

const servers: SMTPServer[] = [];
const channels: EmailChannel[] = [];

async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<{ url: string; received: Promise<ParsedMail> }> {
  let deliver: (mail: ParsedMail) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const received = new Promise<ParsedMail>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          deliver(mail);
          callback();
        })
        .catch((error: unknown) => {
          fail(error);
          callback(error as Error);
        });
    },
    ...options,
  });
  server.on('error', () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received };
}

function channelFor(smtpUrl: string, timeoutMs = 5_000): EmailChannel {
  const channel = new EmailChannel({ smtpUrl, from: 'Sinergi <no-reply@sinergi.local>', timeoutMs });
  channels.push(channel);
  return channel;
}

function smtpError(responseCode: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode });
}

afterEach(async () => {
  await Promise.all(channels.splice(0).map((channel) => channel.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

describe('EmailChannel', () => {
  it('delivers the Indonesian message with its deterministic Message-ID to a real SMTP server', async () => {
    const smtp = await startSmtp();
    const result = await channelFor(smtp.url).send(recipient, message, { messageId: 'case-7307-1.L1.official-42' });
    const mail = await smtp.received;

    expect(result).toEqual({ channel: 'EMAIL', messageId: '<case-7307-1.L1.official-42@sinergi.local>', response: expect.stringMatching(/^250/) });
    expect(mail.messageId).toBe('<case-7307-1.L1.official-42@sinergi.local>');
    expect(mail.subject).toBe(
      '[Sinergi] Tingkat 1 — Proyek belum patuh BPJS Ketenagakerjaan: Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
    );
    expect(mail.text).toContain('Rehabilitasi Jalan Poros Sinjai–Bulupoddo');
    expect(mail.text).toContain('Rp 3.252.703');
    expect(mail.text).toContain('16 Mei 2025');
    expect(mail.text).toContain('https://sinergi.example/cases/case-7307-1');
    expect(mail.html).toContain('href="https://sinergi.example/cases/case-7307-1"');
    expect(mail.headers.get('content-language')).toBe('id');
    expect(mail.from?.value).toEqual([{ name: 'Sinergi', address: 'no-reply@sinergi.local' }]);
  });

  it('keeps a Message-ID that already carries a domain', async () => {
    const smtp = await startSmtp();
    await channelFor(smtp.url).send(recipient, message, { messageId: '<abc.1@notify.sinergi.example>' });
    expect((await smtp.received).messageId).toBe('<abc.1@notify.sinergi.example>');
  });

  it('reports a recipient rejected with 550 as permanent, without naming the recipient', async () => {
    const smtp = await startSmtp({
      onRcptTo: (address, _session, callback) => callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`)),
    });
    const error = await channelFor(smtp.url).send(recipient, message, { messageId: 'm-550' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryPermanentError);
    expect(error).toMatchObject({ code: 'smtp_rejected', retryable: false, details: { responseCode: 550 } });
    expect((error as Error).message).not.toContain(recipient);
    expect((error as Error).message).toBe('SMTP server refused the message: reply 550 after RCPT (EENVELOPE): 550 5.1.1 <[address]>: mailbox unavailable');
  });

  it('reports a recipient deferred with 451 as temporary', async () => {
    const smtp = await startSmtp({
      onRcptTo: (_address, _session, callback) => callback(smtpError(451, '4.3.0 Try again later')),
    });
    const error = await channelFor(smtp.url).send(recipient, message, { messageId: 'm-451' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'smtp_transient', retryable: true, details: { responseCode: 451 } });
  });

  it('delivers on a later attempt through the same pooled channel, with the same Message-ID', async () => {
    let attempts = 0;
    const smtp = await startSmtp({
      onRcptTo: (_address, _session, callback) => (++attempts === 1 ? callback(smtpError(451, '4.3.0 Try again later')) : callback()),
    });
    const channel = channelFor(smtp.url);
    await expect(channel.send(recipient, message, { messageId: 'm-retry' })).rejects.toBeInstanceOf(DeliveryTemporaryError);
    await expect(channel.send(recipient, message, { messageId: 'm-retry' })).resolves.toMatchObject({ channel: 'EMAIL' });
    expect((await smtp.received).messageId).toBe('<m-retry@sinergi.local>');
    expect(attempts).toBe(2);
  });

  it('reports a server that answers 421 on connect as temporary', async () => {
    const smtp = await startSmtp({
      onConnect: (_session, callback) => callback(smtpError(421, 'Service not available, closing channel')),
    });
    const error = await channelFor(smtp.url).send(recipient, message, { messageId: 'm-421' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'smtp_transient', retryable: true, details: { responseCode: 421 } });
  });

  it('reports a server that is down as temporary', async () => {
    const port = await closedPort();
    const error = await channelFor(`smtp://127.0.0.1:${port}`).send(recipient, message, { messageId: 'm-down' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'smtp_unreachable', retryable: true });
  });

  it('reports a server that never greets as temporary once the timeout passes', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await channelFor(`smtp://127.0.0.1:${port}`, 300)
        .send(recipient, message, { messageId: 'm-silent' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryTemporaryError);
      expect(error).toMatchObject({ code: 'smtp_unreachable' });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
