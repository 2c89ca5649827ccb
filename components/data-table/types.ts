import type { ColumnDef, RowData } from '@tanstack/react-table';

declare module '@tanstack/react-table' {
  // Type parameters must match TanStack's declaration to merge.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-align numbers and amounts. */
    align?: 'left' | 'center' | 'right';
    /** Classes for this column's header and body cells. */
    className?: string;
    /** Let long text wrap; cells stay on one line by default. */
    wrap?: boolean;
  }
}

/**
 * A column definition for DataTable. Columns are sortable when their id is in
 * the query's `sortable` list (set `enableSorting: false` to opt out); set
 * `sortDescFirst: true` for columns users read newest/largest first.
 */
// Columns of one table have different value types; TanStack's own examples type the list this way.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DataTableColumn<TData> = ColumnDef<TData, any>;

export type DataTableFilter = {
  /** The search param it writes, e.g. "status"; also a key of parseTableQuery's `filters`. */
  id: string;
  label: string;
  options: readonly { value: string; label: string }[];
};
