'use client';

import { ChevronLeft, ChevronRight, ChevronsLeft, ChevronsRight, type LucideIcon } from 'lucide-react';
import { useId } from 'react';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/select';
import { pageCount } from '@/lib/platform/table/query';
import { useTableNavigation } from './table-state';

const number = new Intl.NumberFormat('en-US');

export type PaginationProps = { page: number; pageSize: number; total: number; rowCount: number; pageSizes: readonly number[] };

export function Pagination({ page, pageSize, total, rowCount, pageSizes }: PaginationProps) {
  const { update } = useTableNavigation();
  const sizeId = useId();
  const last = pageCount(total, pageSize);
  const from = rowCount === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = rowCount === 0 ? 0 : from + rowCount - 1;
  const go = (target: number) => update({ page: target === 1 ? null : String(target) });
  const sizes = sizesWith(pageSizes, pageSize);

  return (
    <div className="flex flex-col gap-3 border-t border-border px-4 py-3 text-sm text-muted-foreground sm:flex-row sm:items-center sm:justify-between">
      <p aria-live="polite" className="tabular-nums">
        {rowCount === 0 ? (
          <>No rows on this page of {number.format(total)}</>
        ) : (
          <>
            Showing <span className="font-medium text-foreground">{number.format(from)}</span>–<span className="font-medium text-foreground">{number.format(to)}</span> of{' '}
            <span className="font-medium text-foreground">{number.format(total)}</span>
          </>
        )}
      </p>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
        <PageSizeSelect id={sizeId} pageSize={pageSize} sizes={sizes} onChange={(value) => update({ pageSize: value })} />
        <span className="whitespace-nowrap tabular-nums">
          Page {number.format(Math.min(page, last))} of {number.format(last)}
        </span>
        <nav aria-label="Pagination" className="flex items-center gap-1">
          <PageButton label="First page" icon={ChevronsLeft} disabled={page <= 1} onClick={() => go(1)} />
          <PageButton label="Previous page" icon={ChevronLeft} disabled={page <= 1} onClick={() => go(Math.min(page - 1, last))} />
          <PageButton label="Next page" icon={ChevronRight} disabled={page >= last} onClick={() => go(page + 1)} />
          <PageButton label="Last page" icon={ChevronsRight} disabled={page >= last} onClick={() => go(last)} />
        </nav>
      </div>
    </div>
  );
}

function sizesWith(pageSizes: readonly number[], pageSize: number): readonly number[] {
  return pageSizes.includes(pageSize) ? pageSizes : [...pageSizes, pageSize].sort((a, b) => a - b);
}

function PageSizeSelect({ id, pageSize, sizes, onChange }: { id: string; pageSize: number; sizes: readonly number[]; onChange: (value: string) => void }) {
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="whitespace-nowrap">
        Rows per page
      </label>
      <Select id={id} value={String(pageSize)} onChange={(event) => onChange(event.target.value)} className="h-8 w-[4.5rem] text-[13px]">
        {sizes.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </Select>
    </div>
  );
}

export type KeysetPaginationProps = { next: string | null; prev: string | null; partial: boolean; pageSize: number; rowCount: number; itemLabel: string; pageSizes: readonly number[] };

/**
 * Previous/Next for keyset paging (lib/platform/table/keyset.ts): the URL
 * carries `after=` or `before=` a cursor, and there is no page count, since
 * counting a big table is what this paging avoids.
 */
export function KeysetPagination({ next, prev, partial, pageSize, rowCount, itemLabel, pageSizes }: KeysetPaginationProps) {
  const { update } = useTableNavigation();
  const sizeId = useId();
  return (
    <div className="flex flex-col gap-3 border-t border-border px-4 py-3 text-sm text-muted-foreground sm:flex-row sm:items-center sm:justify-between">
      <p aria-live="polite" className="tabular-nums">
        {rowCount === 0 ? (
          <>No {itemLabel} on this page</>
        ) : (
          <>
            <span className="font-medium text-foreground">{number.format(rowCount)}</span> {itemLabel} on this page{next ? ', more after it' : ''}
          </>
        )}
        {partial ? <> (this page searched one stretch; Next page searches further)</> : null}
      </p>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
        <PageSizeSelect id={sizeId} pageSize={pageSize} sizes={sizesWith(pageSizes, pageSize)} onChange={(value) => update({ pageSize: value })} />
        <nav aria-label="Pagination" className="flex items-center gap-1">
          <PageButton label="First page" icon={ChevronsLeft} disabled={!prev} onClick={() => update({ after: null, before: null, page: null })} />
          <PageButton label="Previous page" icon={ChevronLeft} disabled={!prev} onClick={() => update({ before: prev, after: null, page: null })} />
          <PageButton label="Next page" icon={ChevronRight} disabled={!next} onClick={() => update({ after: next, before: null, page: null })} />
        </nav>
      </div>
    </div>
  );
}

/** aria-disabled rather than disabled: paging to the end must not drop keyboard focus onto the page body. */
function PageButton({ label, icon: Icon, disabled, onClick }: { label: string; icon: LucideIcon; disabled: boolean; onClick: () => void }) {
  return (
    <Button
      variant="secondary"
      size="icon-sm"
      aria-label={label}
      title={label}
      aria-disabled={disabled || undefined}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      <Icon aria-hidden="true" />
    </Button>
  );
}
