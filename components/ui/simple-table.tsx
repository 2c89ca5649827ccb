import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';

/**
 * A short, fixed list (top 20 of something, a handful of keys) inside a
 * card's content, edge to edge. Paginated data sets use DataTable; these
 * lists have no pages, sorting or search.
 */
export type SimpleColumn<T> = {
  header: string;
  /** The header is read out but not shown (an actions column). */
  hideHeader?: boolean;
  /** The cell names its row (a `<th scope="row">`). */
  rowHeader?: boolean;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'center' | 'right';
  className?: string;
};

export type SimpleTableProps<T> = { columns: SimpleColumn<T>[]; rows: readonly T[]; caption: string; empty: string; rowKey: (row: T, index: number) => string };

const ALIGN = { left: 'text-left', center: 'text-center', right: 'text-right' } as const;

export function SimpleTable<T>({ columns, rows, caption, empty, rowKey }: SimpleTableProps<T>) {
  if (rows.length === 0) return <EmptyState title={empty} className="py-6" />;
  return (
    <div className="scroll-shadow-x -mx-5 sm:-mx-6">
      <table className="w-full border-collapse text-sm tabular-nums">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-border">
            {columns.map((column) => (
              <th key={column.header} scope="col" className={cn('h-9 px-3 text-xs font-medium whitespace-nowrap text-muted-foreground first:pl-5 last:pr-5 sm:first:pl-6 sm:last:pr-6', ALIGN[column.align ?? 'left'])}>
                {column.hideHeader ? <span className="sr-only">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} className="border-b border-border last:border-b-0">
              {columns.map((column) => {
                const className = cn('h-10 px-3 py-2 align-middle font-normal first:pl-5 last:pr-5 sm:first:pl-6 sm:last:pr-6', ALIGN[column.align ?? 'left'], column.className);
                return column.rowHeader ? (
                  <th key={column.header} scope="row" className={className}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.header} className={className}>
                    {column.cell(row)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
