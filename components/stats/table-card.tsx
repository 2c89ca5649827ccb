import type { ReactNode } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { SimpleTable, type SimpleTableProps } from '@/components/ui/simple-table';

/**
 * A titled card holding one SimpleTable: every list on the staff pull
 * statistics and on a customer's pull activity is one of these.
 */
export function TableCard<T>({ title, description, className, ...table }: SimpleTableProps<T> & { title: string; description?: ReactNode; className?: string }) {
  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description ? <CardDescription>{description}</CardDescription> : null}
      </CardHeader>
      <CardContent>
        <SimpleTable {...table} />
      </CardContent>
    </Card>
  );
}
