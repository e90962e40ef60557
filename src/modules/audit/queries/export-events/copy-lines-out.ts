import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Connection, Submittable } from 'pg';

/** The part of pg's Connection this query drives (its typings leave out `sendCopyFail`). */
type PgConnection = Connection & { sendCopyFail(message: string): void };

/** "PGCOPY\n\xff\r\n\0", the signature every binary COPY starts with. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_FIXED = SIGNATURE.length + 8;
/** Bytes gathered before they are handed on: big enough for few, large writes; small enough to stay in young memory. */
const OUT_CHUNK = 64 * 1024;

export interface CopyLinesOptions {
  /** `COPY (SELECT <one text column> ...) TO STDOUT (FORMAT binary)`, parameters already inlined. */
  copySql: string;
  /** Written before the lines (a CSV header), and hashed with them. */
  header: string | null;
  /** The last line, from the number of lines and the SHA-256 (hex) of every byte before it. */
  trailer: (count: number, sha256: string) => string;
  /**
   * How long the reader may leave the stream full before the export gives up (and its connection and snapshot with it).
   * @defaultValue 300000
   */
  stallTimeoutMs?: number;
}

/**
 * A node-postgres submittable (`client.query(new CopyLinesOut(...))`) that streams the values of a one-column binary
 * COPY as bytes: each value is a line PostgreSQL formatted, copied out of the protocol buffer unchanged, so nothing
 * per row is parsed or built in JavaScript. Back-pressure reaches the database through TCP: when the reader is full,
 * the connection's socket is paused and the backend blocks on its send until `_read` resumes it. Destroying the
 * stream (the HTTP reader went away) destroys the connection's socket, which ends the COPY on the server.
 */
export class CopyLinesOut extends Readable implements Submittable {
  /** Lines streamed so far; final once the stream has ended. */
  count = 0;
  /** SHA-256 of every byte before the trailer; set when the COPY completed. */
  sha256: string | null = null;

  private connection: PgConnection | null = null;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private needed = 0;
  private headerRead = false;
  private done = false;
  private out = Buffer.allocUnsafe(OUT_CHUNK);
  private used = 0;
  private stall: NodeJS.Timeout | null = null;

  constructor(private readonly options: CopyLinesOptions) {
    super({ highWaterMark: 4 * OUT_CHUNK });
    if (options.header) this.send(Buffer.from(options.header, 'utf8'));
  }

  submit(connection: Connection): void {
    this.connection = connection as PgConnection;
    connection.query(this.options.copySql);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    // The chunk is a view into pg's receive buffer, which is reused: what is kept for later is copied.
    let buf = message.chunk;
    if (this.pending.length) {
      this.pending.push(Buffer.from(buf));
      this.pendingBytes += buf.length;
      if (this.pendingBytes < this.needed) return;
      buf = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let offset = 0;
    if (!this.headerRead) {
      if (buf.length < HEADER_FIXED) return this.keep(buf, 0, HEADER_FIXED);
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) return void this.destroy(new Error('the COPY did not start with the binary signature'));
      const headerLength = HEADER_FIXED + buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < headerLength) return this.keep(buf, 0, headerLength);
      offset = headerLength;
      this.headerRead = true;
    }
    for (;;) {
      if (offset + 2 > buf.length) return this.keep(buf, offset, 2);
      const fields = buf.readInt16BE(offset);
      if (fields === -1) {
        offset += 2;
        continue;
      }
      if (fields !== 1) return void this.destroy(new Error(`the COPY must have one column, not ${fields}`));
      if (offset + 6 > buf.length) return this.keep(buf, offset, 6);
      const length = buf.readInt32BE(offset + 2);
      const size = 6 + Math.max(length, 0);
      if (offset + size > buf.length) return this.keep(buf, offset, size);
      if (length > 0) this.line(buf, offset + 6, offset + 6 + length);
      offset += size;
    }
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.done || this.destroyed) return;
    this.done = true;
    this.flush();
    this.sha256 = this.hash.digest('hex');
    this.push(Buffer.from(this.options.trailer(this.count, this.sha256), 'utf8'));
    this.push(null);
  }

  handleError(error: Error): void {
    this.done = true;
    this.destroy(error);
  }

  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('this query only copies out');
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}

  override _read(): void {
    this.clearStall();
    this.connection?.stream.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearStall();
    // A COPY still running cannot be stopped in-band: closing the socket ends it (and the transaction) on the server.
    if (!this.done && this.connection) this.connection.stream.destroy();
    callback(error);
  }

  /** Keeps the unparsed rest of `buf`, and how many bytes the item it starts needs before parsing is worth trying. */
  private keep(buf: Buffer, offset: number, needed: number): void {
    if (offset >= buf.length) return;
    this.pending = [Buffer.from(buf.subarray(offset))];
    this.pendingBytes = buf.length - offset;
    this.needed = needed;
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.count += 1;
    const length = end - start;
    if (length > OUT_CHUNK) {
      this.flush();
      this.send(Buffer.from(buf.subarray(start, end)));
      return;
    }
    if (this.used + length > OUT_CHUNK) this.flush();
    buf.copy(this.out, this.used, start, end);
    this.used += length;
  }

  private flush(): void {
    if (this.used === 0) return;
    const chunk = this.out.subarray(0, this.used);
    this.out = Buffer.allocUnsafe(OUT_CHUNK);
    this.used = 0;
    this.send(chunk);
  }

  private send(chunk: Buffer): void {
    this.hash.update(chunk);
    if (this.push(chunk) || !this.connection) return;
    this.connection.stream.pause();
    // A reader that stops reading but keeps the connection open would otherwise hold the COPY (and its snapshot) forever.
    this.stall ??= setTimeout(() => this.destroy(new Error('the reader stopped reading the export')), this.options.stallTimeoutMs ?? 300_000);
  }

  private clearStall(): void {
    if (this.stall) clearTimeout(this.stall);
    this.stall = null;
  }
}
