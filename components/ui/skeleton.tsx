import type { ComponentProps } from 'react';
import { cn } from './cn';

/** A placeholder block; give the surrounding region aria-busy so assistive tech knows content is coming. */
export function Skeleton({ className, ...props }: ComponentProps<'div'>) {
  return <div aria-hidden="true" className={cn('animate-pulse rounded-md bg-muted', className)} {...props} />;
}
