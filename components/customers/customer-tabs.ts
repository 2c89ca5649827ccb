import type { StaffPermission } from '@/lib/identity/rbac/permissions';

/**
 * The tabs of a customer's page, in order. Each is a route segment under
 * /admin/customers/[slug]; another area adds its tab with one line here
 * (e.g. { segment: 'licenses', label: 'Licenses', permission: 'licenses.view' })
 * and a page at app/(admin)/admin/customers/[slug]/<segment>/page.tsx.
 */
export type CustomerTab = { segment: string; label: string; permission?: StaffPermission };

export const CUSTOMER_TABS: readonly CustomerTab[] = [
  { segment: '', label: 'Overview' },
  { segment: 'tokens', label: 'Tokens', permission: 'tokens.view' },
  { segment: 'instructions', label: 'Install instructions' },
  { segment: 'licenses', label: 'Licenses', permission: 'licenses.view' },
  { segment: 'onboarding', label: 'Onboarding' },
  { segment: 'activity', label: 'Activity', permission: 'audit.view' },
];
