import net from 'node:net';
import { Client } from 'pg';
import { spawnEmbeddedPostgres } from '../helpers/embeddedPostgresProcess';

/**
 * The embedded database's wire server (src/db/pgliteWireServer.ts), through the script the tests and a
 * killed Parley's data directory use: real `pg` clients against a real PGlite, whatever TEST_DATABASE_URL says.
 */
let embedded: { url: string; stop(): Promise<void> };
const clients: Client[] = [];

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: embedded.url });
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  embedded = await spawnEmbeddedPostgres();
  const setup = await connect();
  await setup.query('CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)');
});

afterEach(async () => {
  const setup = await connect();
  await setup.query('TRUNCATE note');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await embedded.stop();
});

test('parameterised and named prepared queries answer as from a Postgres server', async () => {
  const db = await connect();
  const inserted = await db.query({ name: 'add-note', text: 'INSERT INTO note (body) VALUES ($1) RETURNING id, body', values: ['first'] });
  await db.query({ name: 'add-note', text: 'INSERT INTO note (body) VALUES ($1) RETURNING id, body', values: ['second'] });
  expect(inserted.rows).toEqual([{ id: expect.any(Number), body: 'first' }]);
  const { rows } = await db.query('SELECT body FROM note WHERE body = ANY($1::text[]) ORDER BY id', [['first', 'second', 'third']]);
  expect(rows.map((r) => r.body)).toEqual(['first', 'second']);
});

test('an answer larger than one write arrives whole', async () => {
  const db = await connect();
  const { rows } = await db.query("SELECT n, repeat('x', 200) AS pad FROM generate_series(1, 20000) AS n");
  expect(rows).toHaveLength(20000);
  expect(rows[19999]).toEqual({ n: 20000, pad: 'x'.repeat(200) });
});

test('an SQL error answers that query only; the connection goes on', async () => {
  const db = await connect();
  await expect(db.query('SELECT * FROM no_such_table WHERE id = $1', [1])).rejects.toThrow(/no_such_table/);
  await expect(db.query('INSERT INTO note (body) VALUES (NULL)')).rejects.toThrow(/null value/);
  expect((await db.query('SELECT 1 + $1::int AS two', [1])).rows).toEqual([{ two: 2 }]);
});

test("one client's open transaction is its own: the other waits for it, and never runs inside it", async () => {
  const a = await connect();
  const b = await connect();
  await a.query('BEGIN');
  await a.query("INSERT INTO note (body) VALUES ('in a''s transaction')");
  let bDone = false;
  const bInsert = b.query("INSERT INTO note (body) VALUES ('b, on its own')").then(() => (bDone = true));
  await new Promise((r) => setTimeout(r, 200));
  expect(bDone).toBe(false); // waiting for a's transaction to end
  await a.query('ROLLBACK');
  await bInsert;
  const { rows } = await a.query('SELECT body FROM note');
  expect(rows.map((r) => r.body)).toEqual(['b, on its own']); // a's rollback did not take b's insert with it
});

test('a client that disconnects inside a transaction has it rolled back, and the others go on', async () => {
  const a = await connect();
  const b = await connect();
  await a.query('BEGIN');
  await a.query("INSERT INTO note (body) VALUES ('never committed')");
  const bRead = b.query('SELECT count(*)::int AS n FROM note');
  a.on('error', () => {}); // its own connection dropping is what this test does
  (a as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
  expect((await bRead).rows).toEqual([{ n: 0 }]);
  await b.query("INSERT INTO note (body) VALUES ('after')");
  expect((await b.query('SELECT body FROM note')).rows).toEqual([{ body: 'after' }]);
});

test('a client that says goodbye is let go at once, and the database stays open for the next', async () => {
  const a = await connect();
  await a.query("INSERT INTO note (body) VALUES ('kept')");
  await a.end(); // sends Terminate: resolves when the server closes the connection
  const b = await connect();
  expect((await b.query('SELECT body FROM note')).rows).toEqual([{ body: 'kept' }]);
});

test('an SSL request is answered "no", then the start-up goes on in plain text', async () => {
  const { port } = new URL(embedded.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(80877103, 4);
  const answer = await new Promise<string>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', (d) => resolve(d.toString('latin1')));
    socket.write(request);
  });
  socket.destroy();
  expect(answer).toBe('N');
});
