import type { Metadata, Viewport } from 'next';
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

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-dvh bg-background font-sans text-foreground antialiased">
        {children}
        <Toaster />
      </body>
    </html>
  );
}
