import net from 'node:net';

/**
 * A TCP relay the tests can cut: put it between a process and PostgreSQL
 * (or an upstream) and `down()` makes that peer unreachable (connections
 * reset, new ones refused) until `up()`. `freeze()` is the nastier failure,
 * a hung server or a network partition: every socket stays open and new
 * connections are accepted, but not a byte moves until `thaw()`.
 */
interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  close(): void;
}

export class TcpProxy {
  private server: net.Server | null = null;
  private pairs = new Set<Pair>();
  private frozen = false;

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      const pair: Pair = {
        client,
        upstream: null,
        close: () => {
          client.destroy();
          pair.upstream?.destroy();
          this.pairs.delete(pair);
        },
      };
      this.pairs.add(pair);
      client.on('error', pair.close);
      client.on('close', pair.close);
      if (this.frozen) client.pause();
      else this.connect(pair);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  private connect(pair: Pair): void {
    const upstream = net.connect(this.target.port, this.target.host);
    pair.upstream = upstream;
    upstream.on('error', pair.close);
    upstream.on('close', pair.close);
    this.flow(pair);
  }

  private flow(pair: Pair): void {
    pair.client.pipe(pair.upstream!);
    pair.upstream!.pipe(pair.client);
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const pair of [...this.pairs]) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops forwarding in both directions; sockets stay open, new ones are accepted and held. */
  freeze(): void {
    this.frozen = true;
    for (const { client, upstream } of this.pairs) {
      if (!upstream) continue;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again, including whatever was sent meanwhile. */
  thaw(): void {
    this.frozen = false;
    for (const pair of this.pairs) {
      if (pair.upstream) this.flow(pair);
      else this.connect(pair);
    }
  }

  /** A connection string like `url` but through this proxy. */
  static databaseUrlVia(url: string, port: number): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(port);
    return parsed.toString();
  }
}
