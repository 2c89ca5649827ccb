import 'server-only';
import type { AuditEvent, Organization } from '@/lib/platform/db/client';

/**
 * What customers see of the vendor's records. Staff keep more about a
 * customer than the customer may read: their notes, the manual tier and why
 * it was set, why a feature was granted by hand. Every customer-facing
 * output of a record staff also write (the portal's pages, the portal's
 * audit page and export, SIEM delivery) goes through this module, and it is
 * an allowlist: a field nobody listed here stays with staff, so a column or
 * audit field added later is hidden until someone decides customers may see
 * it. Audit events are filtered when they are read, never rewritten, so
 * events recorded before a field was classified are covered too and the
 * hash chain stays intact. Staff views are not filtered.
 */

/** Organization fields customers may see; every other column (notes, manualTier, …) is staff-only. */
export const CUSTOMER_ORGANIZATION_FIELDS = [
  'id',
  'name',
  'slug',
  'contactEmail',
  'tier',
  'status',
  'licenseExpiresAt',
  'kubernetesVersion',
  'productVersion',
  'namespace',
  'defaultRole',
  'ssoRequired',
  'mfaRequired',
  'auditRetentionDays',
  'deactivatedAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Organization)[];

export type CustomerOrganization = Pick<Organization, (typeof CUSTOMER_ORGANIZATION_FIELDS)[number]>;

/** The organization as its own members may see it. */
export function customerOrganization(org: Organization): CustomerOrganization {
  return pick(org, CUSTOMER_ORGANIZATION_FIELDS) as CustomerOrganization;
}

/** The organization fields that only staff see: every field of the model not in the allowlist. */
export function staffOnlyOrganizationFields(allFields: readonly string[]): string[] {
  return allFields.filter((field) => !(CUSTOMER_ORGANIZATION_FIELDS as readonly string[]).includes(field));
}

// ── audit events ─────────────────────────────────────────────────────────────

/** Top-level keys customers may see of one part of an event; 'all' for records that are the customer's own data. */
type Keys = readonly string[] | 'all';
/** What of an event's before, after and metadata customers may see; a part left out is withheld. */
export interface CustomerAuditFields {
  before?: Keys;
  after?: Keys;
  metadata?: Keys;
}

/** Events customers never see in detail (staff-wide changes carry no org, so customers never see them at all). */
const WITHHELD: CustomerAuditFields = {};
/** Records that are the customer's own data (their people, roles, SSO and SIEM settings, tokens, licenses). */
const ALL: CustomerAuditFields = { before: 'all', after: 'all', metadata: 'all' };
const ORG_RECORD: CustomerAuditFields = { before: CUSTOMER_ORGANIZATION_FIELDS, after: CUSTOMER_ORGANIZATION_FIELDS };
const OVERRIDE_FIELDS = ['id', 'orgId', 'featureKey', 'enabled', 'expiresAt', 'createdAt'] as const;

/**
 * Every audited action, with what customers may see of it. A test checks
 * that every action the source records is listed; an unlisted one shows
 * customers only who did what to which target.
 */
export const CUSTOMER_AUDIT_FIELDS: Record<string, CustomerAuditFields> = {
  // The organization itself: staff notes and the manual tier are staff-only.
  'customer.create': ORG_RECORD,
  'customer.update': ORG_RECORD,
  'customer.deactivate': { before: ['status'], after: ['status'], metadata: ['reason', 'tokensRevoked'] },
  'customer.reactivate': { before: ['status'], after: ['status'] },
  'audit.retention.update': { before: ['auditRetentionDays'], after: ['auditRetentionDays'] },
  'audit.retention.purge': { metadata: ['retentionDays', 'cutoff', 'removed'] },
  'audit.export': ALL,
  'sso.demo_seed': WITHHELD,
  // Billing: the manual tier (its value and the staff's reason) is staff-only, and older
  // tier changes and subscription records carry the manual reason or tier in their metadata.
  'billing.manual_tier_set': WITHHELD,
  'billing.manual_tier_clear': WITHHELD,
  'billing.tier_change': { before: ['tier'], after: ['tier'], metadata: ['stripeEventId'] },
  'billing.subscription_create': { before: 'all', after: 'all', metadata: ['stripeEventId', 'eventType', 'changed'] },
  'billing.subscription_update': { before: 'all', after: 'all', metadata: ['stripeEventId', 'eventType', 'changed'] },
  'billing.customer_create': ALL,
  'billing.customer_link': ALL,
  'billing.checkout_start': ALL,
  'billing.portal_open': ALL,
  // Features granted by hand: that they were, not the staff's reason or who.
  'feature_override.set': { before: OVERRIDE_FIELDS, after: OVERRIDE_FIELDS },
  'feature_override.remove': { before: OVERRIDE_FIELDS, after: OVERRIDE_FIELDS },
  // Licenses: a re-issue's reason may be billing's (older ones quote the manual-tier reason).
  'license.issue': ALL,
  'license.reissue': { before: 'all', after: 'all', metadata: ['replaces'] },
  'license.revoke': ALL,
  'license.download': ALL,
  // Registry access, onboarding, instructions.
  'token.create': ALL,
  'token.rotate': ALL,
  'token.revoke': ALL,
  'token.revoke_all': ALL,
  'entitlement.create': ALL,
  'entitlement.delete': ALL,
  'entitlement.update': ALL,
  // What the tier change added and removed; why (the manual tier's reason may be in it) stays with staff.
  'entitlement.plan_sync': { after: ['tier', 'added', 'removed'] },
  'plan.repositories_update': WITHHELD,
  // Quotas: the limits staff set and the warnings and refusals the customer gets are theirs to see; staff's reason is not.
  'quota.update': { before: ['limits', 'warningThreshold', 'pullGracePercent'], after: ['limits', 'warningThreshold', 'pullGracePercent'] },
  'quota.pull_warning': ALL,
  'quota.pull_refused': ALL,
  'onboarding.tick': ALL,
  'onboarding.untick': ALL,
  'instructions.download': ALL,
  // The customer's own people, roles, teams, sign-ins, SSO and SIEM settings.
  'member.invite': ALL,
  'member.invitation_resend': ALL,
  'member.invitation_revoke': ALL,
  'member.invitation_code_sent': ALL,
  'member.join': ALL,
  'member.role_change': ALL,
  'member.remove': ALL,
  'member.leave': ALL,
  'membership.create': ALL,
  'membership.role_change': ALL,
  'user.create': ALL,
  // One's own account (/account), and staff (de)activating a customer's person.
  'user.deactivate': ALL,
  'user.reactivate': ALL,
  'account.email_change_request': ALL,
  'account.email_change': ALL,
  'account.delete': ALL,
  'account.data_export': ALL,
  'auth.sign_in': ALL,
  'auth.sign_in_failed': ALL,
  'auth.sign_out': ALL,
  'auth.session_start': ALL,
  'auth.session_end': ALL,
  'auth.password_reset_request': ALL,
  'auth.password_reset': ALL,
  'auth.password_change': ALL,
  'mfa.enrollment_start': ALL,
  'mfa.enroll': ALL,
  'mfa.disable': ALL,
  'mfa.recovery_codes_regenerate': ALL,
  'mfa.recovery_code_used': ALL,
  'mfa.challenge': ALL,
  'mfa.failed': ALL,
  'org.mfa_requirement_update': ALL,
  'team.create': ALL,
  'team.update': ALL,
  'team.delete': ALL,
  'team.member_add': ALL,
  'team.member_remove': ALL,
  'role.create': ALL,
  'role.update': ALL,
  'role.delete': ALL,
  'sso.connection_create': ALL,
  'sso.connection_update': ALL,
  'sso.connection_delete': ALL,
  'sso.connection_test': ALL,
  'sso.domain_add': ALL,
  'sso.domain_verify': ALL,
  'sso.domain_approve': ALL,
  'sso.domain_remove': ALL,
  'sso.policy_update': ALL,
  'sso.group_role_set': ALL,
  'sso.group_role_remove': ALL,
  'sso.identity_link': ALL,
  'siem.destination.create': ALL,
  'siem.destination.update': ALL,
  'siem.destination.delete': ALL,
  'siem.redeliver': ALL,
  // Vendor-wide changes: recorded without an org, so no customer's view includes them.
  'setting.update': WITHHELD,
  'template.update': WITHHELD,
  'template.reset': WITHHELD,
  'feature_flag.create': WITHHELD,
  'feature_flag.update': WITHHELD,
  'feature_flag.kill': WITHHELD,
  'repository.create': WITHHELD,
  'repository.update': WITHHELD,
  'repository.delete': WITHHELD,
  'signing_key.create': WITHHELD,
  'signing_key.rotate': WITHHELD,
  'signing_key.retire': WITHHELD,
  'staff.create': WITHHELD,
  'staff.deactivate': WITHHELD,
  'staff.reactivate': WITHHELD,
  // Staff SSO (lib/identity/sso/staff): the vendor's own IdP and who of its staff may use a password.
  'staff_sso.connection_create': WITHHELD,
  'staff_sso.connection_update': WITHHELD,
  'staff_sso.connection_delete': WITHHELD,
  'staff_sso.required_change': WITHHELD,
  'staff_sso.break_glass_set': WITHHELD,
  'staff_sso.group_role_set': WITHHELD,
  'staff_sso.group_role_remove': WITHHELD,
  // A staff-admin's reset of someone's second factor: recorded without an org (the person's account), details staff-only.
  'mfa.reset': WITHHELD,
};

function pick(value: object, keys: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  return Object.fromEntries(keys.filter((key) => Object.hasOwn(source, key)).map((key) => [key, source[key]]));
}

function visible<T>(value: T, keys: Keys | undefined): T | null {
  if (value === null || value === undefined || keys === undefined) return null;
  if (keys === 'all') return value;
  // Customer-visible parts are objects; anything else (a bare value from an older writer) is withheld.
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  return pick(value, keys) as T;
}

/** An audit event as customers see it: before, after and metadata reduced to what the allowlist names. */
export function customerAuditEvent<E extends Pick<AuditEvent, 'action' | 'before' | 'after' | 'metadata'>>(event: E): E {
  const fields = Object.hasOwn(CUSTOMER_AUDIT_FIELDS, event.action) ? CUSTOMER_AUDIT_FIELDS[event.action]! : WITHHELD;
  return { ...event, before: visible(event.before, fields.before), after: visible(event.after, fields.after), metadata: visible(event.metadata, fields.metadata) };
}

/** Who reads an event: staff see it as recorded, customers through the allowlist. */
export type AuditAudience = 'staff' | 'customer';

export function auditEventFor<E extends Pick<AuditEvent, 'action' | 'before' | 'after' | 'metadata'>>(audience: AuditAudience, event: E): E {
  return audience === 'staff' ? event : customerAuditEvent(event);
}
