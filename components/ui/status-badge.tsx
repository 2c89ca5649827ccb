import { Badge, type Tone } from './badge';

/** How one status reads: its words and its badge tone. */
export type StatusStyle = { label: string; tone: Tone };

/**
 * A status looked up in a table of labels and tones. A status the table does
 * not know shows `fallback` (by default the raw status) in a neutral badge.
 */
export function StatusBadge<S extends string>({ status, styles, dot = true, fallback }: { status: S; styles: Partial<Record<S, StatusStyle>>; dot?: boolean; fallback?: (status: S) => string }) {
  const known: StatusStyle | undefined = styles[status];
  return (
    <Badge tone={known?.tone ?? 'neutral'} dot={dot}>
      {known?.label ?? (fallback ? fallback(status) : status)}
    </Badge>
  );
}
