import type { Metadata } from 'next';
import { Compass } from 'lucide-react';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export const metadata: Metadata = { title: 'Page not found' };

/** Unknown URLs outside the admin and portal shells (those have their own, inside the shell). */
export default function NotFound() {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <EmptyState
        icon={Compass}
        title="Page not found"
        description="There is nothing at this address. It may have moved, or the link may be mistyped."
        action={<LinkButton href="/">Go to Portcullis</LinkButton>}
      />
    </main>
  );
}
