import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ArrowLeft } from 'lucide-react';
import { Logo } from '@/components/shell/logo';
import { getSessionUser } from '@/lib/identity/auth/session';
import { signOutAction } from '../(auth)/actions';
import { SubmitButton } from '@/components/forms/submit-button';

/** The signed-in person's own account, for staff and customers alike: a frame of its own, outside both shells. */
export default async function AccountLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect('/sign-in?callbackUrl=%2Faccount');
  const home = user.staffRole ? '/admin' : '/portal';
  return (
    <div className="min-h-dvh bg-muted">
      <header className="border-b border-border bg-background">
        <div className="mx-auto flex h-14 max-w-3xl items-center justify-between gap-4 px-4">
          <Link href={home} className="flex items-center gap-2 rounded-md text-sm font-medium text-muted-foreground hover:text-foreground">
            <ArrowLeft className="size-4" aria-hidden="true" />
            <Logo className="h-6" />
            <span className="sr-only">Back to Portcullis</span>
          </Link>
          <form action={signOutAction}>
            <SubmitButton variant="ghost" size="sm">
              Sign out
            </SubmitButton>
          </form>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-8">
        {children}
      </main>
    </div>
  );
}
