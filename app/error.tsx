'use client';

import { TriangleAlert } from 'lucide-react';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

/** Any page that fails on the server: say so plainly, offer a retry and a way out; the digest lets staff find it in the logs. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60dvh] items-center justify-center px-4">
      <EmptyState
        icon={TriangleAlert}
        title="Something went wrong"
        description={`This page could not be shown. Try again in a moment; if it keeps happening, tell your contact${error.digest ? ` and quote ${error.digest}` : ''}.`}
        action={
          <>
            <Button onClick={reset}>Try again</Button>
            <LinkButton href="/" variant="secondary">
              Go to Portcullis
            </LinkButton>
          </>
        }
      />
    </main>
  );
}
