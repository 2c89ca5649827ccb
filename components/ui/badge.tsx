import type { ComponentProps } from 'react';
import { cn } from './cn';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

const tones: Record<Tone, string> = {
  neutral: 'border-border bg-muted text-foreground',
  success: 'border-success-border bg-success-soft text-success-strong',
  warning: 'border-warning-border bg-warning-soft text-warning-strong',
  danger: 'border-danger-border bg-danger-soft text-danger-strong',
  info: 'border-info-border bg-info-soft text-info-strong',
  accent: 'border-accent-border bg-accent-soft text-accent-strong',
};

const dots: Record<Tone, string> = {
  neutral: 'bg-muted-foreground',
  success: 'bg-success',
  warning: 'bg-warning',
  danger: 'bg-danger',
  info: 'bg-info',
  accent: 'bg-accent',
};

export type BadgeProps = ComponentProps<'span'> & { tone?: Tone; /** A leading status dot. */ dot?: boolean };

export function Badge({ tone = 'neutral', dot = false, className, children, ...props }: BadgeProps) {
  return (
    <span
      className={cn('inline-flex h-5 items-center gap-1.5 rounded-full border px-2 text-xs leading-none font-medium whitespace-nowrap', tones[tone], className)}
      {...props}
    >
      {dot ? <span className={cn('size-1.5 rounded-full', dots[tone])} aria-hidden="true" /> : null}
      {children}
    </span>
  );
}
