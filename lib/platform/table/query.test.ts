import { describe, expect, it } from 'vitest';
import { hasActiveFilters, pageCount, parseTableQuery } from './query';

const options = {
  sortable: ['name', 'createdAt', 'seats'] as const,
  defaultSort: 'createdAt',
  defaultDir: 'desc',
  filters: { status: ['active', 'suspended'], tier: ['team', 'enterprise'] } as const,
  maxPageSize: 100,
} as const;

describe('parseTableQuery', () => {
  it('gives defaults for empty params', () => {
    expect(parseTableQuery({}, options)).toEqual({
      page: 1,
      pageSize: 25,
      sort: 'createdAt',
      dir: 'desc',
      q: '',
      filters: {},
      skip: 0,
      take: 25,
      sortable: options.sortable,
    });
  });

  it('reads valid values and computes skip/take', () => {
    const query = parseTableQuery({ page: '3', pageSize: '50', sort: 'name', dir: 'asc', q: '  acme  ', status: 'active', tier: 'team' }, options);
    expect(query).toMatchObject({ page: 3, pageSize: 50, sort: 'name', dir: 'asc', q: 'acme', filters: { status: 'active', tier: 'team' }, skip: 100, take: 50 });
  });

  it('accepts URLSearchParams', () => {
    const query = parseTableQuery(new URLSearchParams('page=2&pageSize=10&sort=seats&dir=desc&status=suspended'), options);
    expect(query).toMatchObject({ page: 2, pageSize: 10, sort: 'seats', dir: 'desc', filters: { status: 'suspended' }, skip: 10, take: 10 });
  });

  it.each(['0', '-1', 'abc', '1.5', '', '99999999999'])('falls back to page 1 for page=%j', (page) => {
    expect(parseTableQuery({ page }, options).page).toBe(1);
  });

  it.each(['0', '101', '1000', 'x', '2.5'])('falls back to the default page size for pageSize=%j', (pageSize) => {
    expect(parseTableQuery({ pageSize }, options).pageSize).toBe(25);
  });

  it('honours maxPageSize and defaultPageSize', () => {
    expect(parseTableQuery({ pageSize: '50' }, { ...options, maxPageSize: 40 }).pageSize).toBe(25);
    expect(parseTableQuery({}, { ...options, defaultPageSize: 10 }).pageSize).toBe(10);
    expect(parseTableQuery({}, { ...options, maxPageSize: 20 }).pageSize).toBe(20);
  });

  it('ignores a sort column that is not sortable, keeping the default sort and direction', () => {
    expect(parseTableQuery({ sort: 'passwordHash' }, options)).toMatchObject({ sort: 'createdAt', dir: 'desc' });
  });

  it('sorts an explicit column ascending unless told otherwise', () => {
    expect(parseTableQuery({ sort: 'name' }, options)).toMatchObject({ sort: 'name', dir: 'asc' });
    expect(parseTableQuery({ sort: 'name', dir: 'sideways' }, options)).toMatchObject({ sort: 'name', dir: 'asc' });
    expect(parseTableQuery({ sort: 'createdAt' }, options)).toMatchObject({ sort: 'createdAt', dir: 'desc' });
  });

  it('has no sort when there is no default and none is asked for', () => {
    expect(parseTableQuery({}, { sortable: ['name'] })).toMatchObject({ sort: null, dir: 'asc' });
  });

  it('drops unknown filters and filter values that are not allowed', () => {
    const query = parseTableQuery({ status: 'deleted', tier: 'enterprise', role: 'admin' }, options);
    expect(query.filters).toEqual({ tier: 'enterprise' });
  });

  it('takes the first of repeated params', () => {
    expect(parseTableQuery({ page: ['4', '5'], status: ['suspended', 'active'] }, options)).toMatchObject({ page: 4, filters: { status: 'suspended' } });
  });

  it('truncates long searches instead of dropping them', () => {
    expect(parseTableQuery({ q: 'x'.repeat(500) }, options).q).toHaveLength(200);
  });

  it('never throws on odd input', () => {
    expect(() => parseTableQuery({ page: undefined, sort: [], q: [] as unknown as string[] }, options)).not.toThrow();
  });
});

describe('hasActiveFilters', () => {
  it('is true for a search or a filter, false otherwise', () => {
    expect(hasActiveFilters({ q: '', filters: {} })).toBe(false);
    expect(hasActiveFilters({ q: 'a', filters: {} })).toBe(true);
    expect(hasActiveFilters({ q: '', filters: { status: 'active' } })).toBe(true);
    expect(hasActiveFilters({ q: '', filters: { status: undefined } })).toBe(false);
  });
});

describe('pageCount', () => {
  it('rounds up and is at least 1', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
    expect(pageCount(10_000, 20)).toBe(500);
  });
});
