import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { type CaughtMessage, type MailCatcher, startMailCatcher } from '@sinergi/local-services';

describe('startMailCatcher', () => {
  let dir: string;
  let catcher: MailCatcher | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sinergi-mail-'));
  });

  afterEach(async () => {
    await catcher?.close();
    catcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('saves every message it accepts as an .eml file and reports subject, recipient count and running count', async () => {
    const seen: CaughtMessage[] = [];
    catcher = await startMailCatcher({ dir: join(dir, 'mail'), onMessage: (m) => seen.push(m) });
    expect(catcher.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);

    const transport = createTransport({ url: catcher.url, logger: false });
    try {
      await transport.sendMail({
        from: 'Sinergi <no-reply@sinergi.local>',
        to: ['kepala.dinas@sinjaikab.example', 'ppk.pupr@sinjaikab.example'],
        subject: '[Sinergi] Tingkat 1 — Proyek belum patuh',
        text: 'Yth. Bapak/Ibu,\nKekurangan iuran: Rp 1.000.000',
      });
      await transport.sendMail({ from: 'no-reply@sinergi.local', to: 'kontak@karyasinjai.example', subject: 'Kedua', text: 'dua' });
    } finally {
      transport.close();
    }

    expect(catcher.count).toBe(2);
    expect(seen.map(({ subject, to, count }) => ({ subject, to, count }))).toEqual([
      { subject: '[Sinergi] Tingkat 1 — Proyek belum patuh', to: 2, count: 1 },
      { subject: 'Kedua', to: 1, count: 2 },
    ]);
    const files = (await readdir(join(dir, 'mail'))).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^\d{4}-\d{2}-\d{2}T[\d-]+Z-[12]\.eml$/.test(f))).toBe(true);
    expect(seen.map((m) => m.file).sort()).toEqual(files.map((f) => join(dir, 'mail', f)));

    const first = await simpleParser(await readFile(seen[0].file));
    expect(first.subject).toBe('[Sinergi] Tingkat 1 — Proyek belum patuh');
    expect(first.text).toContain('Kekurangan iuran: Rp 1.000.000');
  });

  it('listens on the port it is given and frees it on close', async () => {
    const first = await startMailCatcher({ dir });
    const port = Number(new URL(first.url).port);
    await first.close();
    catcher = await startMailCatcher({ dir, port });
    expect(catcher.url).toBe(`smtp://127.0.0.1:${port}`);
    expect(catcher.count).toBe(0);
  });
});
