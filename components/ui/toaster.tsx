'use client';

import { CircleAlert, CircleCheck, Info, TriangleAlert } from 'lucide-react';
import type { CSSProperties } from 'react';
import { Toaster as Sonner } from 'sonner';
import { Spinner } from './spinner';

// Sonner's rich colors read --success-border & co., which our tokens also define; neutral toasts with
// colored icons avoid the clash and read calmer.
const style = {
  '--normal-bg': 'var(--popover)',
  '--normal-text': 'var(--popover-foreground)',
  '--normal-border': 'var(--border)',
  '--border-radius': 'var(--radius)',
  fontFamily: 'inherit',
} as CSSProperties;

const icons = {
  success: <CircleCheck className="size-4 text-success" aria-hidden="true" />,
  error: <CircleAlert className="size-4 text-danger" aria-hidden="true" />,
  warning: <TriangleAlert className="size-4 text-warning" aria-hidden="true" />,
  info: <Info className="size-4 text-info" aria-hidden="true" />,
  loading: <Spinner className="text-muted-foreground" />,
};

/** The app's one toast outlet; place once in the root layout and call `toast()` from sonner anywhere. */
export function Toaster() {
  return <Sonner position="top-right" closeButton style={style} icons={icons} toastOptions={{ className: 'shadow-popover' }} />;
}
