import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { Toaster } from '@/components/ui/toaster';
import { inter } from './fonts';
import './globals.css';

export const metadata: Metadata = {
  title: { template: '%s · Portcullis', default: 'Portcullis' },
  description: 'Onboard customers, mint registry pull tokens and license keys, and give customers a self-service portal.',
};

export const viewport: Viewport = {
  themeColor: '#ffffff',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: its scripts carry that request's CSP nonce (lib/platform/net/security-headers.ts),
  // which a page prerendered at build time could not.
  await connection();
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-dvh bg-background font-sans text-foreground antialiased">
        {children}
        <Toaster />
      </body>
    </html>
  );
}
