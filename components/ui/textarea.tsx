import type { ComponentProps } from 'react';
import { cn } from './cn';
import { controlBase } from './input';

export function Textarea({ className, rows = 4, ...props }: ComponentProps<'textarea'>) {
  return <textarea rows={rows} className={cn(controlBase, 'min-h-20 px-3 py-2 leading-6', className)} {...props} />;
}
