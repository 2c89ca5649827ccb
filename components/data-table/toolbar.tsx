'use client';

import { Search, X } from 'lucide-react';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { controlBase } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { DataTableFilter } from './types';
import { useTableNavigation } from './table-state';

const SEARCH_DEBOUNCE_MS = 300;

export type ToolbarProps = {
  q: string;
  filterValues: Partial<Record<string, string>>;
  filters: readonly DataTableFilter[];
  searchPlaceholder?: string;
  searchable: boolean;
  actions?: ReactNode;
};

export function Toolbar({ q, filterValues, filters, searchPlaceholder = 'Search', searchable, actions }: ToolbarProps) {
  const { update, clearFilters } = useTableNavigation();
  const active = q !== '' || filters.some((filter) => filterValues[filter.id]);
  if (!searchable && filters.length === 0 && !actions) return null;
  return (
    // One row from sm up: the filters wrap among themselves, so "Clear" appearing never pushes the actions onto a line of their own.
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      {searchable ? <SearchBox q={q} placeholder={searchPlaceholder} onSearch={(value) => update({ q: value })} /> : null}
      {filters.length > 0 ? (
        <div className="grid grid-cols-2 gap-2 sm:flex sm:min-w-0 sm:flex-wrap sm:items-center">
          {filters.map((filter) => (
            <FilterSelect key={filter.id} filter={filter} value={filterValues[filter.id] ?? ''} onChange={(value) => update({ [filter.id]: value })} />
          ))}
        </div>
      ) : null}
      {active ? (
        <Button variant="ghost" size="sm" onClick={clearFilters} className="self-start text-muted-foreground sm:self-auto">
          <X aria-hidden="true" />
          Clear
        </Button>
      ) : null}
      {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2 sm:ml-auto">{actions}</div> : null}
    </div>
  );
}

function SearchBox({ q, placeholder, onSearch }: { q: string; placeholder: string; onSearch: (value: string) => void }) {
  const id = useId();
  const [text, setText] = useState(q);
  const [sent, setSent] = useState(q);
  const [urlQ, setUrlQ] = useState(q);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  // Follow the URL when it changes for another reason (clear filters, back button), but not when it
  // merely catches up with text the user has typed since.
  if (q !== urlQ) {
    setUrlQ(q);
    if (q !== sent) {
      setText(q);
      setSent(q);
    }
  }

  useEffect(() => () => clearTimeout(timer.current), []);

  const send = (value: string) => {
    clearTimeout(timer.current);
    const trimmed = value.trim();
    if (trimmed === sent) return;
    setSent(trimmed);
    onSearch(trimmed);
  };

  return (
    <div className="relative w-full sm:w-72 sm:min-w-40">
      <label htmlFor={id} className="sr-only">
        {placeholder}
      </label>
      <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
      <input
        id={id}
        type="search"
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => {
          const value = event.target.value;
          setText(value);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => send(value), SEARCH_DEBOUNCE_MS);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') send(text);
        }}
        className={cn(controlBase, 'h-9 pr-3 pl-9 [&::-webkit-search-cancel-button]:cursor-pointer')}
      />
    </div>
  );
}

function FilterSelect({ filter, value, onChange }: { filter: DataTableFilter; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="min-w-0 sm:w-auto">
      <label htmlFor={id} className="sr-only">
        {filter.label}
      </label>
      <Select id={id} value={value} onChange={(event) => onChange(event.target.value)} className={cn('sm:w-auto', value ? 'border-primary-border bg-primary-soft/40' : undefined)}>
        <option value="">{filter.label}: All</option>
        {filter.options.map((option) => (
          <option key={option.value} value={option.value}>
            {filter.label}: {option.label}
          </option>
        ))}
      </Select>
    </div>
  );
}
