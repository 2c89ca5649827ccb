import { createTable, flexRender, getCoreRowModel, type Row } from '@tanstack/react-table';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import { ScrollX } from '@/components/ui/scroll-x';
import type { KeysetPage } from '@/lib/platform/table/keyset';
import { hasActiveFilters, PAGE_SIZES, type TableQuery } from '@/lib/platform/table/query';
import { KeysetPagination, Pagination } from './pagination';
import { SortButton } from './sort-button';
import { ClearFiltersButton, FirstPageButton, RetryButton, TableRegion, TableStateProvider } from './table-state';
import { Toolbar } from './toolbar';
import type { DataTableColumn, DataTableFilter } from './types';

export type DataTableProps<TData> = {
  columns: readonly DataTableColumn<TData>[];
  /** This page's rows, already sorted, filtered and sliced by the server. */
  rows: readonly TData[];
  /** Rows matching the search and filters, across all pages (offset paging; not used with `keyset`). */
  total?: number;
  query: TableQuery;
  /**
   * Keyset paging for big tables (lib/platform/table/keyset.ts): the cursors of
   * the neighbouring pages. Shows Previous/Next instead of page numbers and
   * needs no total.
   */
  keyset?: KeysetPage & { onCursorPage: boolean };
  filters?: readonly DataTableFilter[];
  /** Also the search box's accessible name. */
  searchPlaceholder?: string;
  searchable?: boolean;
  /** Makes each row a link; the first column's cell carries it. */
  getRowHref?: (row: TData) => string;
  getRowId?: (row: TData, index: number) => string;
  /** Plural noun for messages: "No customers match". */
  itemLabel?: string;
  /** Shown when there are no rows at all (not merely none matching). */
  empty?: ReactNode;
  /** A load failure to show instead of rows, with a retry. */
  error?: string | null;
  /** Buttons at the right of the toolbar, e.g. "New customer". */
  actions?: ReactNode;
  /** The table's accessible name. */
  caption?: string;
  pageSizes?: readonly number[];
  className?: string;
};

const align = { left: 'text-left', center: 'text-center', right: 'text-right' } as const;

/**
 * The one table of the app. The URL is its state: the server page parses
 * searchParams with parseTableQuery, queries one page and renders this;
 * every control here only rewrites the URL. It has no 'use client' of its
 * own, so cells render wherever the table does (in a server page they are
 * server components and may format dates or read server-only modules).
 */
export function DataTable<TData>({
  columns,
  rows,
  total: totalProp,
  query,
  keyset,
  filters = [],
  searchPlaceholder,
  searchable = true,
  getRowHref,
  getRowId,
  itemLabel = 'results',
  empty,
  error,
  actions,
  caption,
  pageSizes = PAGE_SIZES,
  className,
}: DataTableProps<TData>) {
  // With keyset paging there is no count: an empty page past a cursor reads as "past the end", else as empty.
  const keysetPaged = !!keyset && (rows.length > 0 || keyset.onCursorPage || keyset.next !== null);
  const total = keyset ? (keysetPaged ? Math.max(rows.length, 1) : 0) : (totalProp ?? rows.length);
  const table = createTable<TData>({
    data: rows as TData[],
    columns: columns as DataTableColumn<TData>[],
    getCoreRowModel: getCoreRowModel(),
    getRowId,
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    rowCount: total,
    state: {},
    onStateChange: () => {},
    renderFallbackValue: null,
  });
  // As useReactTable does, minus React state: the URL already holds it.
  table.setOptions((previous) => ({
    ...previous,
    state: {
      ...table.initialState,
      sorting: query.sort ? [{ id: query.sort, desc: query.dir === 'desc' }] : [],
      pagination: { pageIndex: query.page - 1, pageSize: query.pageSize },
    },
  }));

  const headerGroups = table.getHeaderGroups();
  const tableRows = table.getRowModel().rows;
  const columnCount = table.getVisibleLeafColumns().length;
  const filtered = hasActiveFilters(query);
  const sortable = new Set<string>(query.sortable);

  return (
    <TableStateProvider filterIds={filters.map((filter) => filter.id)}>
      <div className={cn('space-y-3', className)}>
        <Toolbar q={query.q} filterValues={query.filters} filters={filters} searchPlaceholder={searchPlaceholder} searchable={searchable} actions={actions} />
        <TableRegion>
          <div className="overflow-hidden rounded-lg border border-border bg-card shadow-card">
            {error ? (
              <div className="p-4">
                <Alert tone="danger" title={`Could not load ${itemLabel}`} action={<RetryButton />}>
                  {error}
                </Alert>
              </div>
            ) : (
              <>
                <ScrollX className="relative">
                  <table className="w-full border-collapse text-sm tabular-nums">
                    {caption ? <caption className="sr-only">{caption}</caption> : null}
                    <thead className="bg-subtle">
                      {headerGroups.map((group) => (
                        <tr key={group.id} className="border-b border-border">
                          {group.headers.map((header) => {
                            const meta = header.column.columnDef.meta;
                            const canSort = sortable.has(header.column.id) && header.column.columnDef.enableSorting !== false;
                            const active = query.sort === header.column.id ? query.dir : null;
                            const content = header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext());
                            return (
                              <th
                                key={header.id}
                                scope="col"
                                colSpan={header.colSpan > 1 ? header.colSpan : undefined}
                                aria-sort={canSort && active ? (active === 'asc' ? 'ascending' : 'descending') : undefined}
                                className={cn(
                                  'h-10 px-4 text-xs font-medium whitespace-nowrap text-muted-foreground first:pl-5 last:pr-5',
                                  align[meta?.align ?? 'left'],
                                  meta?.className,
                                )}
                              >
                                {canSort && content !== null ? (
                                  <SortButton columnId={header.column.id} active={active} descFirst={header.column.columnDef.sortDescFirst} align={meta?.align}>
                                    {content}
                                  </SortButton>
                                ) : (
                                  content
                                )}
                              </th>
                            );
                          })}
                        </tr>
                      ))}
                    </thead>
                    <tbody>
                      {tableRows.length === 0 ? (
                        <tr>
                          <td colSpan={columnCount}>
                            <EmptyBody total={total} filtered={filtered} itemLabel={itemLabel} empty={empty} partial={!!keyset?.partial} />
                          </td>
                        </tr>
                      ) : (
                        tableRows.map((row) => <DataRow key={row.id} row={row} href={getRowHref?.(row.original)} />)
                      )}
                    </tbody>
                  </table>
                </ScrollX>
                {keyset ? (
                  keysetPaged ? (
                    <KeysetPagination
                      next={keyset.next}
                      prev={keyset.prev}
                      partial={!!keyset.partial}
                      pageSize={query.pageSize}
                      rowCount={tableRows.length}
                      itemLabel={itemLabel}
                      pageSizes={pageSizes}
                    />
                  ) : null
                ) : total > 0 || query.page > 1 ? (
                  <Pagination page={query.page} pageSize={query.pageSize} total={total} rowCount={tableRows.length} pageSizes={pageSizes} />
                ) : null}
              </>
            )}
          </div>
        </TableRegion>
      </div>
    </TableStateProvider>
  );
}

// Interactive content in other cells must sit above the row link's click area.
const raiseInteractive = '[&_:is(a,button,input,select,textarea,summary,label):not([data-row-link])]:relative [&_:is(a,button,input,select,textarea,summary,label):not([data-row-link])]:z-10';

function DataRow<TData>({ row, href }: { row: Row<TData>; href?: string }) {
  return (
    <tr className={cn('border-b border-border last:border-b-0 transition-colors', href ? 'relative hover:bg-subtle' : 'hover:bg-subtle/60')}>
      {row.getVisibleCells().map((cell, index) => {
        const meta = cell.column.columnDef.meta;
        const content = flexRender(cell.column.columnDef.cell, cell.getContext());
        return (
          <td
            key={cell.id}
            className={cn(
              'h-12 px-4 py-2.5 align-middle first:pl-5 last:pr-5',
              meta?.wrap ? 'min-w-48' : 'whitespace-nowrap',
              align[meta?.align ?? 'left'],
              href && raiseInteractive,
              meta?.className,
            )}
          >
            {href && index === 0 ? (
              <Link
                href={href}
                data-row-link=""
                className="font-medium text-foreground outline-none after:absolute after:inset-0 after:rounded-sm focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-ring"
              >
                {content}
              </Link>
            ) : (
              content
            )}
          </td>
        );
      })}
    </tr>
  );
}

function EmptyBody({ total, filtered, itemLabel, empty, partial }: { total: number; filtered: boolean; itemLabel: string; empty?: ReactNode; partial: boolean }) {
  if (partial) {
    return <EmptyState title={`No matching ${itemLabel} in this stretch`} description={`Each page searches a stretch of the ${itemLabel}; Next page searches further back.`} />;
  }
  if (total > 0) {
    return <EmptyState title="This page is past the end" description={`There are fewer ${itemLabel} now than when this page was linked.`} action={<FirstPageButton />} />;
  }
  if (filtered) {
    return <EmptyState title={`No ${itemLabel} match`} description="Try a different search, or clear the filters to see everything." action={<ClearFiltersButton />} />;
  }
  return empty ?? <EmptyState title={`No ${itemLabel} yet`} />;
}
