import 'server-only';
/** A customer's lifecycle status. Tiers are lib/plans' configuration (`TIER_KEYS`, `tierLabel`). */
export const CUSTOMER_STATUSES = ['active', 'suspended', 'deactivated'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
