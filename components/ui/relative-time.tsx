import { formatDateTime, formatRelative } from '@/lib/platform/format';

/**
 * "3 minutes ago", with the exact time on hover. Safe in client components:
 * the text differs between the server's render and hydration a moment later,
 * so React is told to keep the server's text instead of failing hydration.
 */
export function RelativeTime({ value, className }: { value: Date | string | null | undefined; className?: string }) {
  if (!value) return <>{formatRelative(value)}</>;
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)} className={className} suppressHydrationWarning>
      {formatRelative(date)}
    </time>
  );
}
