import { createHash } from 'node:crypto';
import type { Connection } from 'pg';
import { CopyLinesOut } from './copy-lines-out';

/** A binary COPY of one text column, as PostgreSQL writes it. */
function binaryCopy(values: (string | null)[]): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 4]), Buffer.from('ext!')];
  for (const value of values) {
    const fields = Buffer.alloc(6);
    fields.writeInt16BE(1, 0);
    if (value === null) {
      fields.writeInt32BE(-1, 2);
      parts.push(fields);
    } else {
      const bytes = Buffer.from(value, 'utf8');
      fields.writeInt32BE(bytes.length, 2);
      parts.push(fields, bytes);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

function fakeConnection() {
  const calls: string[] = [];
  const connection = {
    query: (text: string) => calls.push(`query ${text}`),
    sendCopyFail: () => calls.push('copyFail'),
    stream: { pause: () => calls.push('pause'), resume: () => calls.push('resume'), destroy: () => calls.push('destroy') },
  };
  return { connection: connection as unknown as Connection, calls };
}

async function drain(stream: CopyLinesOut): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const options = { copySql: 'COPY (SELECT 1) TO STDOUT (FORMAT binary)', header: 'h\n', trailer: (n: number, sha: string) => `T ${n} ${sha}\n` };

describe('CopyLinesOut', () => {
  const lines = ['{"a":1}\n', '{"b":"ü — 🚧"}\n', `${'x'.repeat(100_000)}\n`, '{"c":3}\n'];

  it.each([1, 3, 7, 64, 1 << 20])('passes every line through unchanged when messages split the COPY every %d bytes', async (size) => {
    const { connection, calls } = fakeConnection();
    const copy = new CopyLinesOut(options);
    copy.submit(connection);
    const bytes = binaryCopy([...lines, null]);
    for (let at = 0; at < bytes.length; at += size) {
      // pg hands out views of a buffer it reuses: hand out copies that are then overwritten.
      const chunk = Buffer.from(bytes.subarray(at, at + size));
      copy.handleCopyData({ chunk });
      chunk.fill(0);
    }
    copy.handleReadyForQuery();
    const body = lines.join('');
    const sha = createHash('sha256').update(`h\n${body}`).digest('hex');
    expect(await drain(copy)).toBe(`h\n${body}T 4 ${sha}\n`);
    expect(copy.count).toBe(4);
    expect(copy.sha256).toBe(sha);
    expect(calls[0]).toBe(`query ${options.copySql}`);
  });

  it('pauses the connection while the reader is full and resumes it when the reader asks for more', async () => {
    const { connection, calls } = fakeConnection();
    const copy = new CopyLinesOut(options);
    copy.submit(connection);
    copy.handleCopyData({ chunk: binaryCopy(Array.from({ length: 20 }, () => `${'y'.repeat(60_000)}\n`)).subarray(0, -2) });
    expect(calls).toContain('pause');
    copy.read();
    expect(calls).toContain('resume');
    copy.destroy();
    expect(calls).toContain('destroy');
  });

  it('gives up on a reader that stops reading', async () => {
    const { connection } = fakeConnection();
    const copy = new CopyLinesOut({ ...options, stallTimeoutMs: 20 });
    copy.submit(connection);
    const failed = new Promise<Error>((resolve) => copy.on('error', resolve));
    copy.handleCopyData({ chunk: binaryCopy(Array.from({ length: 20 }, () => `${'z'.repeat(60_000)}\n`)).subarray(0, -2) });
    expect((await failed).message).toBe('the reader stopped reading the export');
  });
});
