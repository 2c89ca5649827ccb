import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from './logo';
import { MobileNav } from './mobile-nav';

export type ShellFrameProps = {
  /** Where the logo links to. */
  home: string;
  /** Small label beside the logo, e.g. "Admin". */
  areaLabel?: ReactNode;
  /** Between the logo and the nav (org switcher). */
  top?: ReactNode;
  nav: ReactNode;
  /** Bottom of the sidebar (user menu). */
  footer: ReactNode;
  /** Right end of the mobile top bar (compact user menu). */
  topbarEnd: ReactNode;
  children: ReactNode;
};

/** The page frame both areas share: sidebar on desktop, top bar and slide-over below lg. */
export function ShellFrame({ home, areaLabel, top, nav, footer, topbarEnd, children }: ShellFrameProps) {
  const brand = (
    <div className="flex h-14 shrink-0 items-center gap-2 px-4">
      <Link href={home} className="rounded-md">
        <Logo className="h-7" />
      </Link>
      {areaLabel}
    </div>
  );
  const body = (
    <>
      {brand}
      {top ? <div className="px-3 pb-2">{top}</div> : null}
      <nav aria-label="Main" className="flex-1 px-3 py-2">
        {nav}
      </nav>
    </>
  );

  return (
    <div className="min-h-dvh bg-background">
      <a
        href="#main"
        className="sr-only rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
      >
        Skip to content
      </a>

      <aside className="hidden border-r border-border bg-subtle lg:fixed lg:inset-y-0 lg:left-0 lg:z-20 lg:flex lg:w-64 lg:flex-col">
        <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">{body}</div>
        <div className="border-t border-border p-3">{footer}</div>
      </aside>

      <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-border bg-background/90 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/75 lg:hidden">
        <MobileNav>{body}</MobileNav>
        <Link href={home} className="rounded-md">
          <Logo className="h-6" />
        </Link>
        <div className="ml-auto flex items-center">{topbarEnd}</div>
      </header>

      <div className="lg:pl-64">
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl px-4 py-6 focus:outline-none sm:px-6 lg:px-10 lg:py-10">
          {children}
        </main>
      </div>
    </div>
  );
}
