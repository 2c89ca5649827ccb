import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Filter forms that only change the URL (GET): nothing is sent twice, and the
 * navigation they start shows the page's own loading state.
 */
const GET_FORMS = new Set(['components/audit/audit-filters.tsx', 'components/stats/stats-filter.tsx']);

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(rel, out);
    else if (/\.tsx$/.test(entry.name) && !/\.test\.tsx$/.test(entry.name)) out.push(rel);
  }
  return out;
}

describe('submit buttons', () => {
  it('every submit button shows that its form is being sent (SubmitButton, or useFormStatus beside it)', () => {
    const bare = [...sources('app'), ...sources('components')]
      .filter((file) => !GET_FORMS.has(file) && file !== 'components/forms/submit-button.tsx')
      .filter((file) => {
        const source = fs.readFileSync(path.join(root, file), 'utf8');
        return /type="submit"/.test(source) && !/useFormStatus|loading=\{|pending=\{/.test(source);
      });
    expect(bare, 'use SubmitButton from components/forms (it is disabled with a spinner while the action runs)').toEqual([]);
  });
});
