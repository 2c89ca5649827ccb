import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Form, INLINE_CONTROL_OFFSET } from './form';
import { CheckboxField, TextField } from './fields';
import { SubmitButton } from './submit-button';

const noop = () => {};

describe('inline forms', () => {
  it('put the button level with the input, not its label, whatever grows below the input', () => {
    const failed = { ok: false as const, error: 'Check the domain.', fieldErrors: { domain: ['Use a domain such as example.com.'] } };
    const html = renderToStaticMarkup(
      <Form action={noop} state={failed} inline>
        <TextField name="domain" label="Add a domain" />
        <SubmitButton>Add domain</SubmitButton>
      </Form>,
    );
    const form = /<form[^>]*class="([^"]*)"/.exec(html)![1]!;
    // Aligned at the top (an error below the input must not push the button down), and no stacked-form margins.
    expect(form.split(' ')).toEqual(expect.arrayContaining(['flex', 'flex-wrap', 'items-start']));
    expect(form).not.toMatch(/items-end|space-y/);
    expect(/<button[^>]*type="submit"[^>]*class="([^"]*)"/.exec(html)![1]!.split(' ')).toContain(INLINE_CONTROL_OFFSET);
    expect(html).toContain('Use a domain such as example.com.');
  });

  it('leave stacked forms and their buttons as they were', () => {
    const html = renderToStaticMarkup(
      <Form action={noop} state={null}>
        <TextField name="name" label="Name" />
        <CheckboxField name="sure" label="Sure" />
        <SubmitButton>Save</SubmitButton>
      </Form>,
    );
    expect(/<form[^>]*class="([^"]*)"/.exec(html)![1]).toBe('space-y-5');
    expect(html).not.toContain(INLINE_CONTROL_OFFSET);
    expect(html).not.toContain('mt-8.5');
  });
});
