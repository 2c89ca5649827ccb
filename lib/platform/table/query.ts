import { z } from 'zod';

export type SortDir = 'asc' | 'desc';

/** The table state a server page reads from the URL and hands to <DataTable query={...} />. */
export type TableQuery<S extends string = string, F extends Partial<Record<string, string>> = Partial<Record<string, string>>> = {
  page: number;
  pageSize: number;
  sort: S | null;
  dir: SortDir;
  /** Trimmed search text, '' when none. */
  q: string;
  /** Only known filters with allowed values. */
  filters: F;
  /** Prisma's `skip`/`take` for this page. */
  skip: number;
  take: number;
  /** The columns the server can sort by; DataTable makes exactly these headers sortable. */
  sortable: readonly S[];
};

export type TableQueryOptions<S extends string, F extends Record<string, readonly string[]>> = {
  sortable: readonly S[];
  defaultSort?: NoInfer<S>;
  defaultDir?: SortDir;
  /** Allowed values per filter param, e.g. `{ status: ['active', 'suspended'] }`. */
  filters?: F;
  maxPageSize?: number;
  defaultPageSize?: number;
};

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const MAX_SEARCH_LENGTH = 200;
const MAX_PAGE = 1_000_000;

type ParsedFilters<F extends Record<string, readonly string[]>> = { [K in keyof F]?: F[K][number] };

function first(params: SearchParamsInput, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads table state from search params. Anything unknown or invalid falls
 * back to its default instead of throwing: URLs are user input, and a
 * stale bookmark should still show a table.
 */
export function parseTableQuery<S extends string, F extends Record<string, readonly string[]> = Record<never, readonly string[]>>(
  searchParams: SearchParamsInput,
  options: TableQueryOptions<S, F>,
): TableQuery<S, ParsedFilters<F>> {
  const { sortable, defaultSort, defaultDir = 'asc', maxPageSize = 100, defaultPageSize = Math.min(25, maxPageSize) } = options;
  const filterOptions = options.filters ?? ({} as F);

  const schema = z.object({
    page: z.coerce.number().int().min(1).max(MAX_PAGE).catch(1),
    pageSize: z.coerce.number().int().min(1).max(maxPageSize).catch(defaultPageSize),
    sort: z
      .string()
      .refine((value): value is S => (sortable as readonly string[]).includes(value))
      .optional()
      .catch(undefined),
    dir: z.enum(['asc', 'desc']).optional().catch(undefined),
    q: z
      .string()
      .transform((value) => value.trim().slice(0, MAX_SEARCH_LENGTH))
      .catch(''),
  });

  const parsed = schema.parse({
    page: first(searchParams, 'page'),
    pageSize: first(searchParams, 'pageSize'),
    sort: first(searchParams, 'sort'),
    dir: first(searchParams, 'dir'),
    q: first(searchParams, 'q') ?? '',
  });

  const filters: Partial<Record<string, string>> = {};
  for (const [key, allowed] of Object.entries(filterOptions)) {
    const value = z.enum(allowed as readonly [string, ...string[]]).safeParse(first(searchParams, key));
    if (allowed.length > 0 && value.success) filters[key] = value.data;
  }

  const sort = (parsed.sort as S | undefined) ?? defaultSort ?? null;
  // An explicit sort without a direction sorts ascending; the default sort keeps its default direction.
  const dir = parsed.dir ?? (parsed.sort && parsed.sort !== defaultSort ? 'asc' : defaultDir);

  return {
    page: parsed.page,
    pageSize: parsed.pageSize,
    sort,
    dir,
    q: parsed.q,
    filters: filters as ParsedFilters<F>,
    skip: (parsed.page - 1) * parsed.pageSize,
    take: parsed.pageSize,
    sortable,
  };
}

/** Whether the user narrowed the rows (search or any filter), as opposed to an empty data set. */
export function hasActiveFilters(query: Pick<TableQuery, 'q' | 'filters'>): boolean {
  return query.q !== '' || Object.values(query.filters).some((value) => value !== undefined && value !== '');
}

/** The last page that has rows; at least 1. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
