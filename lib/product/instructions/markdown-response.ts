import { isAppError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import type { RenderedInstructions } from './instructions';

/** Rendered instructions as a Markdown file download. */
export function instructionsFileResponse(rendered: RenderedInstructions): Response {
  return new Response(rendered.markdown, {
    headers: {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="${rendered.filename}"`,
      'Cache-Control': 'no-store',
    },
  });
}

/** A route handler's failure: a service's own error with its status and message, anything else logged and a generic 500. */
export function routeErrorResponse(error: unknown, what: string): Response {
  if (isAppError(error)) return new Response(error.message, { status: error.status });
  log.error({ err: error }, `${what} failed`);
  return new Response('Something went wrong on our side.', { status: 500 });
}
