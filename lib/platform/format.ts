import { DAY } from '@/lib/platform/time';
/** Dates as people read them. Fixed to en-US and UTC so server and client render the same text. */
const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
const relativeFormat = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });

/** A count with thousands separators, e.g. 12,345. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatDate(value: Date | string | null | undefined): string {
  return value ? dateFormat.format(new Date(value)) : '—';
}

export function formatDateTime(value: Date | string | null | undefined): string {
  return value ? dateTimeFormat.format(new Date(value)) : '—';
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

export function formatRelative(value: Date | string | null | undefined, now = new Date()): string {
  if (!value) return 'never';
  const seconds = Math.round((new Date(value).getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return '';
}

/** Whole days from `now` until `value` (negative when past). */
export function daysUntil(value: Date | string, now = new Date()): number {
  return Math.floor((new Date(value).getTime() - now.getTime()) / DAY);
}

/** An image tag as written, a digest cut to `sha256:` and its first 12 hex digits. */
export function formatReference(reference: string): string {
  return reference.startsWith('sha256:') ? `${reference.slice(0, 19)}…` : reference;
}
