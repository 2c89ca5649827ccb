import 'server-only';
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
