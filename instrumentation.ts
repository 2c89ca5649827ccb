// Next.js calls register() once per server process before serving.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startTracing } = await import('./lib/platform/observability/tracing');
  startTracing();
}
