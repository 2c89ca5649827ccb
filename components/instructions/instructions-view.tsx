import { Download } from 'lucide-react';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import type { RenderedInstructions } from '@/lib/product/instructions/instructions';
import { InstructionMarkdown } from './instruction-markdown';

export type InstructionsViewProps = {
  instructions: RenderedInstructions;
  /** Where "Download Markdown" points (a route answering the .md file). Without it (a reader who may only view) there is no copy-all or download. */
  downloadHref?: string;
  /** Server action recording that the whole text was copied. */
  onCopied?: () => void;
};

/** Rendered install instructions, one card per section, with copy and download. Shared by the admin and the portal. */
export function InstructionsView({ instructions, downloadHref, onCopied }: InstructionsViewProps) {
  return (
    <div className="space-y-4">
      {downloadHref ? (
        <div className="flex flex-wrap items-center justify-end gap-2">
          <CopyButton value={instructions.markdown} label="all instructions" showText onCopied={onCopied} />
          <a href={downloadHref} className={buttonVariants({ variant: 'secondary', size: 'sm' })} download={instructions.filename}>
            <Download aria-hidden="true" />
            Download Markdown
          </a>
        </div>
      ) : null}
      <ol className="space-y-4">
        {instructions.sections.map((section, index) => (
          <li key={section.key}>
            <Card>
              <CardHeader>
                <CardTitle as="h3">
                  <span className="mr-2 text-muted-foreground tabular-nums">{index + 1}.</span>
                  {section.title}
                </CardTitle>
              </CardHeader>
              <CardContent>
                <InstructionMarkdown source={section.body} label={section.title} />
              </CardContent>
            </Card>
          </li>
        ))}
      </ol>
    </div>
  );
}
