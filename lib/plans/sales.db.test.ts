import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { salesContact, salesHref } from './sales';

describe('contact sales', () => {
  it('goes to SALES_URL when set (a page, or a bare address as mailto:), else the setting, else sales@ the portal domain', async () => {
    expect(await salesContact(prisma, { SALES_URL: 'https://vendor.example/contact-sales' })).toBe('https://vendor.example/contact-sales');
    expect(await salesContact(prisma, { SALES_URL: 'deals@vendor.example' })).toBe('mailto:deals@vendor.example');
    expect(await salesContact(prisma, { SALES_URL: 'mailto:deals@vendor.example' })).toBe('mailto:deals@vendor.example');
    // Something that is neither falls back rather than producing a broken link.
    expect(await salesContact(prisma, { SALES_URL: 'javascript:alert(1)' })).toMatch(/^(mailto:|https?:\/\/)/);
    expect(await salesContact(prisma, { SALES_URL: 'javascript:alert(1)' })).not.toContain('javascript');
    expect(await salesContact(prisma, {})).toMatch(/^(mailto:|https?:\/\/)/);
  });

  it('puts the subject into a mail link only', () => {
    expect(salesHref('mailto:deals@vendor.example', 'Team plan for hooli: API access')).toBe('mailto:deals@vendor.example?subject=Team%20plan%20for%20hooli%3A%20API%20access');
    expect(salesHref('https://vendor.example/contact', 'x')).toBe('https://vendor.example/contact');
  });
});
