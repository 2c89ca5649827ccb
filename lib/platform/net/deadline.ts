import 'server-only';
import type { ServerResponse } from 'node:http';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Each request gets REQUEST_TIMEOUT_MS to start its answer. Database queries
 * have their own timeouts (lib/platform/db/sql.ts), but a request may wait for a
 * pooled connection, then run several queries; the deadline bounds the sum,
 * so a stalled dependency shows as a prompt 503 instead of a hung client.
 * Only the start counts: a download or a streamed export that has sent its
 * headers runs as long as it needs.
 */
export function requestTimeoutMs(source?: EnvSource): number {
  return env('REQUEST_TIMEOUT_MS', source);
}

export interface Deadline {
  /** Hand-over to something with its own timeouts (the gateway's upstream calls): the deadline no longer applies. */
  clear(): void;
  readonly expired: boolean;
}

/**
 * Calls `expire(res)` to answer for the handler if `res` has not sent its
 * headers within `ms` (0 = never). The response is then sealed: whatever the
 * handler still writes, once its database call finally fails or returns, is
 * dropped instead of corrupting the answer or crashing on a finished stream.
 */
export function startDeadline(res: ServerResponse, ms: number, expire: (res: ServerResponse) => void): Deadline {
  let expired = false;
  let timer: NodeJS.Timeout | null = null;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  if (ms > 0) {
    timer = setTimeout(() => {
      timer = null;
      if (res.headersSent || res.writableEnded || res.destroyed) return;
      expired = true;
      expire(res);
      seal(res);
    }, ms);
    timer.unref();
    res.once('close', clear);
  }
  return {
    clear,
    get expired() {
      return expired;
    },
  };
}

function seal(res: ServerResponse): void {
  const self = () => res;
  const later = (args: unknown[]) => {
    const callback = args.findLast((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
  };
  Object.assign(res, {
    setHeader: self,
    appendHeader: self,
    removeHeader: () => undefined,
    writeHead: self,
    flushHeaders: () => undefined,
    writeContinue: () => undefined,
    writeEarlyHints: () => undefined,
    write: (...args: unknown[]) => {
      later(args);
      return true;
    },
    end: (...args: unknown[]) => {
      later(args);
      return res;
    },
    // Destroying now could cut off the 503 before it is flushed.
    destroy: self,
  });
}
