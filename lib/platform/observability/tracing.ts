import 'server-only';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * OpenTelemetry tracing, off unless the operator configures an exporter
 * with the standard variables: OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), or OTEL_TRACES_EXPORTER (otlp,
 * console). OTEL_SDK_DISABLED=true wins. Everything else (protocol,
 * headers, sampler, resource attributes) is read by the SDK from the
 * environment as documented by OpenTelemetry. Next.js emits spans for each
 * request, route and render through the global tracer provider set here.
 */
export function tracingEnabled(source?: EnvSource): boolean {
  if (env('OTEL_SDK_DISABLED', source) === 'true') return false;
  const exporter = env('OTEL_TRACES_EXPORTER', source);
  if (exporter) return exporter !== 'none';
  return !!(env('OTEL_EXPORTER_OTLP_ENDPOINT', source) || env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', source));
}

const store = globalThis as unknown as { __portcullisOtel?: NodeSDK };

export function startTracing(source?: EnvSource): NodeSDK | null {
  if (!tracingEnabled(source)) return null;
  if (store.__portcullisOtel) return store.__portcullisOtel;
  const sdk = new NodeSDK({
    serviceName: env('OTEL_SERVICE_NAME', source),
    // Next's own spans cover HTTP and rendering; no monkey-patching instrumentations.
    instrumentations: [],
  });
  sdk.start();
  store.__portcullisOtel = sdk;
  const stop = () => void sdk.shutdown().catch(() => {});
  process.once('SIGTERM', stop);
  process.once('beforeExit', stop);
  return sdk;
}

export async function stopTracing(): Promise<void> {
  const sdk = store.__portcullisOtel;
  store.__portcullisOtel = undefined;
  await sdk?.shutdown();
}
