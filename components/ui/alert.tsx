import { CircleAlert, CircleCheck, Info, TriangleAlert, type LucideIcon } from 'lucide-react';
import type { ComponentProps, ReactNode } from 'react';
import type { Tone } from './badge';
import { cn } from './cn';

export type AlertTone = Exclude<Tone, 'accent'>;

const tones: Record<AlertTone, { box: string; icon: LucideIcon; iconColor: string }> = {
  neutral: { box: 'border-border bg-subtle text-foreground', icon: Info, iconColor: 'text-muted-foreground' },
  info: { box: 'border-info-border bg-info-soft text-info-strong', icon: Info, iconColor: 'text-info' },
  success: { box: 'border-success-border bg-success-soft text-success-strong', icon: CircleCheck, iconColor: 'text-success' },
  warning: { box: 'border-warning-border bg-warning-soft text-warning-strong', icon: TriangleAlert, iconColor: 'text-warning' },
  danger: { box: 'border-danger-border bg-danger-soft text-danger-strong', icon: CircleAlert, iconColor: 'text-danger' },
};

export type AlertProps = Omit<ComponentProps<'div'>, 'title'> & {
  tone?: AlertTone;
  title?: ReactNode;
  /** A button or link shown at the end, e.g. "Try again". */
  action?: ReactNode;
};

/** Danger alerts interrupt screen readers (role="alert"); the others wait politely (role="status"). */
export function Alert({ tone = 'neutral', title, action, className, children, role, ...props }: AlertProps) {
  const { box, icon: Icon, iconColor } = tones[tone];
  return (
    <div role={role ?? (tone === 'danger' ? 'alert' : 'status')} className={cn('flex gap-3 rounded-lg border px-4 py-3 text-sm', box, className)} {...props}>
      <Icon className={cn('mt-0.5 size-4 shrink-0', iconColor)} aria-hidden="true" />
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="leading-5 font-medium">{title}</p> : null}
        {children ? <div className={cn('leading-5', title ? 'opacity-90' : undefined)}>{children}</div> : null}
      </div>
      {action ? <div className="-my-1 shrink-0 self-center">{action}</div> : null}
    </div>
  );
}
