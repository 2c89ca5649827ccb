import fs from 'node:fs';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Card, CardDescription, CardTitle } from './card';
import { PageHeader } from './page-header';
import { SimpleTable } from './simple-table';

const word = 'X'.repeat(100);
const classesOf = (html: string, tag: string) => /class="([^"]*)"/.exec(html.slice(html.indexOf(`<${tag}`)))![1]!.split(' ');

describe('long names and wide tables', () => {
  it('break a 100-character word in headers and cards instead of widening the page', () => {
    const header = renderToStaticMarkup(<PageHeader title={word} breadcrumbs={[{ label: 'Customers', href: '/admin/customers' }, { label: word }]} />);
    expect(classesOf(header, 'h1')).toContain('wrap-anywhere');
    expect(header).toContain(`title="${word}"`);
    const card = renderToStaticMarkup(
      <Card>
        <CardTitle>{word}</CardTitle>
        <CardDescription>What {word}&apos;s tokens can pull.</CardDescription>
      </Card>,
    );
    expect(classesOf(card, 'section')).toContain('min-w-0');
    expect(classesOf(card, 'h2')).toContain('wrap-anywhere');
    expect(classesOf(card, 'p')).toContain('wrap-anywhere');
  });

  it('scroll a wide table inside its own container, which shows that it scrolls', () => {
    const html = renderToStaticMarkup(<SimpleTable caption="Wide" empty="None" rows={[{ name: word }]} rowKey={(row) => row.name} columns={[{ header: 'Name', cell: (row) => row.name }]} />);
    // ScrollX: the scroller carries data-scroll-hint and fades its edges once it measures overflow in the browser (e2e/tour.spec.ts checks it there).
    expect(html).toMatch(/<div[^>]*data-scroll-hint=""[^>]*class="[^"]*overflow-x-auto/);
    expect(fs.readFileSync(path.resolve(import.meta.dirname, '../data-table/data-table.tsx'), 'utf8')).toContain('<ScrollX');
  });
});
