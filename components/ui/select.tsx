import { ChevronDown } from 'lucide-react';
import type { ComponentProps } from 'react';
import { cn } from './cn';
import { controlBase } from './input';

export type SelectOption = { value: string; label: string; disabled?: boolean };

export type SelectProps = ComponentProps<'select'> & {
  /** Options as data; `children` still works for optgroups. */
  options?: readonly SelectOption[];
  /** A first, empty option such as "Choose a plan…". */
  placeholder?: string;
  wrapperClassName?: string;
};

/** A native select: free keyboard, mobile pickers and form participation. */
export function Select({ className, wrapperClassName, options, placeholder, children, ...props }: SelectProps) {
  return (
    <div className={cn('relative', wrapperClassName)}>
      <select className={cn(controlBase, 'h-9 appearance-none pr-9 pl-3', className)} {...props}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options?.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
        {children}
      </select>
      <ChevronDown className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
    </div>
  );
}
