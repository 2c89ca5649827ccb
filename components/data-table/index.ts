export { DataTable, type DataTableProps } from './data-table';
export type { DataTableColumn, DataTableFilter } from './types';
