import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralDatabase, type EmbeddedDatabase } from './embedded';

// Always the embedded server, whatever DATABASE_URL says: this is what `npm run demo` runs on.
let db: EmbeddedDatabase;
const clients: pg.Client[] = [];
beforeAll(async () => {
  db = await startEphemeralDatabase();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => {})));
  await db.stop();
});

async function connect() {
  const client = new pg.Client(db.url);
  await client.connect();
  clients.push(client);
  const heard: string[] = [];
  client.on('notification', (message) => heard.push(`${message.channel}:${message.payload}`));
  return { client, heard };
}

describe('embedded PostgreSQL', () => {
  it('delivers NOTIFY to the connections that LISTEN, not to the one that sent it', async () => {
    const listener = await connect();
    const other = await connect();
    const sender = await connect();
    await listener.client.query('LISTEN portcullis_test');
    await other.client.query('LISTEN "Other_Channel"');

    await sender.client.query("SELECT pg_notify('portcullis_test', 'one')");
    await sender.client.query('BEGIN');
    await sender.client.query("SELECT pg_notify('portcullis_test', 'two')");
    await sender.client.query("SELECT pg_notify('Other_Channel', 'three')");
    // Nothing is delivered before the commit, and the sender's own answers stay intact.
    expect((await sender.client.query('SELECT 40 + 2 AS n')).rows).toEqual([{ n: 42 }]);
    expect(listener.heard).toEqual(['portcullis_test:one']);
    await sender.client.query('COMMIT');

    await expect.poll(() => listener.heard).toEqual(['portcullis_test:one', 'portcullis_test:two']);
    await expect.poll(() => other.heard).toEqual(['Other_Channel:three']);
    expect(sender.heard).toEqual([]);
  });

  it('keeps each connection\'s parameterized queries whole when many run at once', async () => {
    // pg sends Parse, Bind, Execute and Sync as separate messages, and the session is shared: another
    // connection's Parse between them would replace the unnamed statement ("bind message supplies 2 parameters…").
    // A long parameter makes the Bind arrive in several socket reads, after its Parse has been handled.
    const long = 'x'.repeat(200_000);
    const connections = await Promise.all(Array.from({ length: 4 }, () => connect()));
    const results = await Promise.all(
      connections.flatMap(({ client }, c) =>
        Array.from({ length: 10 }, async (_, i) => {
          const values = Array.from({ length: ((c + i) % 3) + 1 }, (_, k) => c * 1000 + i * 10 + k);
          const sql = `SELECT length($1::text) + ${values.map((_, k) => `$${k + 2}::int`).join(' + ')} AS sum`;
          const { rows } = await client.query<{ sum: number }>(sql, [long, ...values]);
          return rows[0]!.sum === long.length + values.reduce((a, b) => a + b, 0);
        }),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('stops delivering to a connection that has gone', async () => {
    const gone = await connect();
    const stays = await connect();
    await gone.client.query('LISTEN portcullis_gone');
    await stays.client.query('LISTEN portcullis_gone');
    await gone.client.end();
    await stays.client.query("SELECT pg_notify('portcullis_gone', 'after')");
    await expect.poll(() => stays.heard).toEqual(['portcullis_gone:after']);
    expect(gone.heard).toEqual([]);
  });
});
