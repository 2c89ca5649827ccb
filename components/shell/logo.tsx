import { cn } from '@/components/ui/cn';

/** The portcullis gate mark. Decorative: pair it with the product name. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cn('shrink-0', className ?? 'size-7')} aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="fill-primary" />
      <g fill="none" stroke="#fff" strokeLinecap="round" strokeLinejoin="round">
        <path d="M7.5 25V14.5a8.5 8.5 0 0 1 17 0V25" strokeWidth="2.2" />
        <path d="M12.25 8.4v13.1M16 6.6v14.9M19.75 8.4v13.1M8.6 12.8h14.8M7.6 17.4h16.8" strokeWidth="1.7" />
      </g>
      <path d="M11.1 21.2h2.3l-1.15 2.3zM14.85 21.2h2.3L16 23.5zM18.6 21.2h2.3l-1.15 2.3z" fill="#fff" />
    </svg>
  );
}

/** Mark plus wordmark; size it with a height class (h-7 by default). */
export function Logo({ className, label = 'Portcullis' }: { className?: string; label?: string }) {
  return (
    <span className={cn('inline-flex h-7 items-center gap-2 text-foreground', className)}>
      <LogoMark className="h-full w-auto" />
      <span className="text-[1.05em] font-semibold tracking-tight">{label}</span>
    </span>
  );
}
