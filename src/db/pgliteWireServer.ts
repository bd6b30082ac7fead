import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves a PGlite database on a local TCP port in the Postgres wire protocol, so Parley reaches the embedded
 * database through the same `pg` + Prisma code path as a Postgres server.
 *
 * Why not @electric-sql/pglite-socket (which this replaces): it runs every protocol message through PGlite on
 * its own (a query is 3-5 of them: Parse, Bind, Describe, Execute, Sync), each call followed by a file-system
 * sync, and writes each answer to the socket separately. Here every complete message that arrived together
 * goes through PGlite in one call and the answers leave in one write: one WASM call and one syscall per query.
 * In the embedded bench (8 writers; HTTP and the WASM Postgres share one thread) three paired runs went from
 * 143, 204, 205 to 170, 235, 214 comments/s (README, "Embedded mode on a small server").
 *
 * PGlite is one backend: the clients take turns, and while one is inside a transaction the others wait until
 * it ends (or its connection closes, which rolls the transaction back).
 */
export interface PgliteWireServer {
  port: number;
  /** Closes the listener and every client connection (PGlite itself stays open). */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'

export async function servePglite(db: PGlite, opts: { host?: string; port?: number } = {}): Promise<PgliteWireServer> {
  const backend = new TakeTurns(db);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const client = new WireClient(socket, backend);
    socket.on('data', (data) => client.received(data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      backend.closed(client);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await backend.idle();
    },
  };
}

/** One client connection: cuts its bytes into protocol messages and hands them on in batches. */
class WireClient {
  private buffered: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(
    readonly socket: net.Socket,
    private readonly backend: TakeTurns,
  ) {}

  received(data: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, data]) : data;
    if (!this.started && !this.startUp()) return;
    // Every complete message goes in this batch; a partial one waits for the rest of its bytes.
    let end = 0;
    let terminate = false;
    while (this.buffered.length - end >= 5) {
      const length = 1 + this.buffered.readInt32BE(end + 1);
      if (this.buffered.length - end < length) break;
      if (this.buffered[end] === TERMINATE) {
        terminate = true;
        break;
      }
      end += length;
    }
    if (end > 0) {
      this.backend.submit(this, this.buffered.subarray(0, end));
      this.buffered = this.buffered.subarray(end);
    }
    if (terminate) {
      this.buffered = Buffer.alloc(0);
      this.backend.endAfterQueued(this);
    }
  }

  /**
   * The first message has no type byte: an SSL or GSS encryption request (answered "no"), a cancel request
   * (not supported: the connection closes), or the start-up message, which PGlite answers itself.
   * False while it is incomplete.
   */
  private startUp(): boolean {
    while (!this.started) {
      if (this.buffered.length < 8) return false;
      const length = this.buffered.readInt32BE(0);
      if (this.buffered.length < length) return false;
      const code = this.buffered.readInt32BE(4);
      const message = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N');
      } else if (code === CANCEL_REQUEST) {
        this.socket.end();
        return false;
      } else {
        this.started = true;
        this.backend.submit(this, message);
      }
    }
    return true;
  }
}

interface Batch { client: WireClient; messages: Buffer | null }

/** The one PGlite backend, shared in turns: batches run in arrival order, except around an open transaction. */
class TakeTurns {
  private readonly queue: Batch[] = [];
  /** The client whose transaction is open: only its batches may run until it ends. */
  private holder: WireClient | null = null;
  private running: Promise<void> | null = null;
  /** The client whose batch is in PGlite now. */
  private current: WireClient | null = null;

  constructor(private readonly db: PGlite) {}

  submit(client: WireClient, messages: Buffer): void {
    // Copied: the socket's buffer may be reused once this returns, and PGlite reads it later.
    this.queue.push({ client, messages: Buffer.from(messages) });
    this.run();
  }

  /** The client sent Terminate: close its connection once what it sent before has run. */
  endAfterQueued(client: WireClient): void {
    this.queue.push({ client, messages: null });
    this.run();
  }

  /** The connection is gone: drop what it left queued, and roll back a transaction it left open. */
  closed(client: WireClient): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].client === client) this.queue.splice(i, 1);
    // A batch of its own still running: drain() sees the connection gone when it returns.
    if (this.holder !== client || this.current === client) return;
    // Nobody else runs until the rollback is done (the holder stays set while it runs).
    void this.rollBack().finally(() => {
      this.holder = null;
      this.run();
    });
  }

  /** PGlite's exec takes its own turn: not inside runExclusive, which would wait for itself. */
  private async rollBack(): Promise<void> {
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private run(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const i = this.holder ? this.queue.findIndex((b) => b.client === this.holder) : 0;
      if (i < 0 || i >= this.queue.length) return;
      const [{ client, messages }] = this.queue.splice(i, 1);
      if (!messages) {
        client.socket.end();
        continue;
      }
      const answers: Uint8Array[] = [];
      this.current = client;
      try {
        await this.db.runExclusive(() =>
          // onRawData hands a view of WASM memory: copied before the next call can overwrite it.
          this.db.execProtocolRawStream(messages, { onRawData: (data) => answers.push(Uint8Array.prototype.slice.call(data)) }),
        );
      } catch {
        client.socket.destroy(); // PGlite itself failed (not an SQL error, which is an answer): the client sees the connection drop
      } finally {
        this.current = null;
      }
      if (client.socket.destroyed) {
        if (this.holder === client || this.db.isInTransaction()) await this.rollBack();
        this.holder = null;
        continue;
      }
      this.holder = this.db.isInTransaction() ? client : null;
      if (answers.length) client.socket.write(answers.length === 1 ? answers[0] : Buffer.concat(answers));
    }
  }
}
