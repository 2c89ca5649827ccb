import type { ReactNode } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { ScrollX } from '@/components/ui/scroll-x';

/**
 * Renders the small Markdown subset the instruction templates use:
 * paragraphs, fenced code blocks (with a copy button), `code` and **bold**.
 * Text is never interpreted as HTML.
 */
export function InstructionMarkdown({ source, label }: { source: string; label: string }) {
  const parts: ReactNode[] = [];
  const fence = /```([\w-]*)\n([\s\S]*?)```/g;
  let last = 0;
  let index = 0;
  for (const match of source.matchAll(fence)) {
    parts.push(...paragraphs(source.slice(last, match.index), `p${index}`));
    const code = match[2]!.replace(/\n$/, '');
    parts.push(
      <div key={`c${index}`} className="group relative">
        <ScrollX as="pre" className="rounded-md border border-border bg-subtle py-3 pr-12 pl-4 font-mono text-[13px] leading-5 text-foreground" data-language={match[1] || undefined}>
          <code>{code}</code>
        </ScrollX>
        <div className="absolute top-2 right-2">
          <CopyButton value={code} label={`${label} ${match[1] === 'yaml' ? 'YAML' : 'commands'}`} className="bg-background" />
        </div>
      </div>,
    );
    last = match.index + match[0].length;
    index++;
  }
  parts.push(...paragraphs(source.slice(last), `p${index}`));
  return <div className="space-y-3 text-sm leading-6">{parts}</div>;
}

function paragraphs(text: string, key: string): ReactNode[] {
  return text
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block, i) => (
      <p key={`${key}-${i}`} className="text-foreground">
        {inline(block)}
      </p>
    ));
}

function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*)/g).map((piece, i) => {
    if (piece.startsWith('`') && piece.endsWith('`') && piece.length > 1) {
      return (
        <code key={i} className="rounded bg-muted px-1 py-0.5 font-mono text-[13px]">
          {piece.slice(1, -1)}
        </code>
      );
    }
    if (piece.startsWith('**') && piece.endsWith('**') && piece.length > 3) return <strong key={i}>{inline(piece.slice(2, -2))}</strong>;
    return piece;
  });
}
