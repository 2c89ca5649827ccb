import 'server-only';
import pg from 'pg';
import { log } from '@/lib/platform/log';
import { REGISTRY_CHANGES_CHANNEL, type RegistryChange } from '@/lib/product/registry/credentials';

/**
 * Follows REGISTRY_CHANGES_CHANNEL (announced on commit by every service that
 * changes tokens, repository grants, customers or repositories) on a dedicated
 * connection. While it is not connected, `live` is false and the gateway's
 * caches must not be trusted: they are cleared and bypassed, so a revocation
 * made while this replica could not hear about it still takes effect. A
 * heartbeat notices a silently dead connection within a second.
 */
export interface ChangeListenerOptions {
  databaseUrl: string;
  onChange(change: RegistryChange | { kind: 'unknown' }): void;
  /** Called whenever the connection is lost or (re)established: drop everything cached. */
  onReset(): void;
  heartbeatMs?: number;
}

export class ChangeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = 100;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private _live = false;

  constructor(private readonly options: ChangeListenerOptions) {}

  get live(): boolean {
    return this._live;
  }

  start(): void {
    void this.connect();
  }

  /** Resolves once listening (or after `timeoutMs`); the gateway serves uncached meanwhile. */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    const start = Date.now();
    while (!this._live && !this.stopped && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
    return this._live;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 3_000, keepAlive: true });
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => {
      if (message.channel !== REGISTRY_CHANGES_CHANNEL) return;
      this.options.onChange(parseChange(message.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REGISTRY_CHANGES_CHANNEL}`);
      if (this.stopped || this.client !== client) {
        await client.end().catch(() => {});
        return;
      }
      // Whatever was cached before this connection may have missed notifications.
      this.options.onReset();
      this._live = true;
      this.retryMs = 100;
      this.startHeartbeat(client);
      log.debug('registry change listener connected');
    } catch (error) {
      this.lost(client, error);
    }
  }

  private startHeartbeat(client: pg.Client): void {
    this.stopHeartbeat();
    const every = this.options.heartbeatMs ?? 500;
    let sentAt = 0;
    this.heartbeat = setInterval(() => {
      if (sentAt) {
        // A ping unanswered for three beats: treat the connection as dead.
        if (Date.now() - sentAt > every * 3) this.lost(client, new Error('heartbeat timeout'));
        return;
      }
      sentAt = Date.now();
      client.query('SELECT 1').then(
        () => (sentAt = 0),
        (error: unknown) => this.lost(client, error),
      );
    }, every);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    const wasLive = this._live;
    this._live = false;
    this.stopHeartbeat();
    this.options.onReset();
    client.removeAllListeners('notification');
    client.end().catch(() => {});
    if (this.stopped) return;
    if (wasLive) log.warn({ err: error instanceof Error ? error.message : error }, 'registry change listener lost its connection; caches bypassed until it is back');
    this.reconnectTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.reconnectTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 2_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this._live = false;
    this.stopHeartbeat();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}

function parseChange(payload: string | undefined): RegistryChange | { kind: 'unknown' } {
  try {
    const value = JSON.parse(payload ?? '') as Partial<RegistryChange>;
    if (value.kind === 'token' && typeof (value as { tokenId?: unknown }).tokenId === 'string') return value as RegistryChange;
    if (value.kind === 'org' && typeof (value as { orgId?: unknown }).orgId === 'string') return value as RegistryChange;
    if (value.kind === 'repository' && typeof (value as { repositoryId?: unknown }).repositoryId === 'string') return value as RegistryChange;
  } catch {
    // fall through
  }
  return { kind: 'unknown' };
}
