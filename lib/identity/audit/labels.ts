import 'server-only';
/**
 * What each audited action is called on screen: the staff audit log, a
 * customer's activity, the portal's audit log. The code (`token.create`)
 * stays what is stored, filtered and exported; people read the label. A
 * test checks that every action the source records has one.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  // Customers
  'customer.create': 'Customer created',
  'customer.update': 'Customer details changed',
  'customer.deactivate': 'Customer deactivated',
  'customer.reactivate': 'Customer reactivated',
  // Audit log
  'audit.retention.update': 'Audit retention changed',
  'audit.retention.purge': 'Old audit events removed',
  'audit.export': 'Audit log exported',
  // Billing
  'billing.manual_tier_set': 'Manual tier set',
  'billing.manual_tier_clear': 'Manual tier cleared',
  'billing.tier_change': 'Plan changed',
  'billing.subscription_create': 'Subscription started',
  'billing.subscription_update': 'Subscription updated',
  'billing.customer_create': 'Billing account created',
  'billing.customer_link': 'Billing account linked',
  'billing.checkout_start': 'Checkout started',
  'billing.portal_open': 'Billing portal opened',
  // Features and licenses
  'feature_override.set': 'Feature override set',
  'feature_override.remove': 'Feature override removed',
  'feature_flag.create': 'Feature flag created',
  'feature_flag.update': 'Feature flag changed',
  'feature_flag.kill': 'Feature flag switched off',
  'license.issue': 'License issued',
  'license.reissue': 'License re-issued',
  'license.revoke': 'License revoked',
  'license.download': 'License downloaded',
  'signing_key.create': 'Signing key created',
  'signing_key.rotate': 'Signing key rotated',
  'signing_key.retire': 'Signing key retired',
  // Registry access
  'token.create': 'Registry token created',
  'token.rotate': 'Registry token rotated',
  'token.revoke': 'Registry token revoked',
  'token.revoke_all': 'All registry tokens revoked',
  'entitlement.create': 'Repository access granted',
  'entitlement.update': 'Repository access changed',
  'entitlement.delete': 'Repository access removed',
  'entitlement.plan_sync': 'Repository access follows the plan',
  'plan.repositories_update': 'Plan repositories changed',
  'repository.create': 'Repository added',
  'repository.update': 'Repository changed',
  'repository.delete': 'Repository removed',
  'quota.update': 'Quotas changed',
  'quota.pull_warning': 'Pull quota warning',
  'quota.pull_refused': 'Pull refused: quota reached',
  // Onboarding
  'onboarding.tick': 'Checklist item ticked',
  'onboarding.untick': 'Checklist item unticked',
  'instructions.download': 'Install instructions downloaded',
  // People
  'member.invite': 'Member invited',
  'member.invitation_resend': 'Invitation re-sent',
  'member.invitation_revoke': 'Invitation revoked',
  'member.invitation_code_sent': 'Invitation code sent',
  'member.join': 'Member joined',
  'member.role_change': 'Member role changed',
  'member.remove': 'Member removed',
  'member.leave': 'Member left',
  'membership.create': 'Member added',
  'membership.role_change': 'Member role changed',
  'user.create': 'Account created',
  'user.deactivate': 'Account deactivated',
  'user.reactivate': 'Account reactivated',
  'team.create': 'Team created',
  'team.update': 'Team changed',
  'team.delete': 'Team deleted',
  'team.member_add': 'Team member added',
  'team.member_remove': 'Team member removed',
  'role.create': 'Role created',
  'role.update': 'Role changed',
  'role.delete': 'Role deleted',
  // Accounts and sign-in
  'account.email_change_request': 'Email change requested',
  'account.email_change': 'Email address changed',
  'account.delete': 'Account deleted',
  'account.data_export': 'Account data exported',
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_out': 'Signed out',
  'auth.session_start': 'Session started',
  'auth.session_end': 'Session ended',
  'auth.password_reset_request': 'Password reset requested',
  'auth.password_reset': 'Password reset',
  'auth.password_change': 'Password changed',
  'mfa.enrollment_start': 'Two-factor setup started',
  'mfa.enroll': 'Two-factor authentication turned on',
  'mfa.disable': 'Two-factor authentication turned off',
  'mfa.reset': 'Two-factor authentication reset',
  'mfa.recovery_codes_regenerate': 'Recovery codes regenerated',
  'mfa.recovery_code_used': 'Recovery code used',
  'mfa.challenge': 'Two-factor check passed',
  'mfa.failed': 'Two-factor check failed',
  'org.mfa_requirement_update': 'Two-factor requirement changed',
  // Single sign-on
  'sso.connection_create': 'SSO connection added',
  'sso.connection_update': 'SSO connection changed',
  'sso.connection_delete': 'SSO connection removed',
  'sso.connection_test': 'SSO connection tested',
  'sso.domain_add': 'SSO domain added',
  'sso.domain_verify': 'SSO domain verified',
  'sso.domain_approve': 'SSO domain approved',
  'sso.domain_remove': 'SSO domain removed',
  'sso.policy_update': 'SSO policy changed',
  'sso.group_role_set': 'SSO group mapped to a role',
  'sso.group_role_remove': 'SSO group mapping removed',
  'sso.identity_link': 'SSO identity linked',
  'sso.demo_seed': 'Demo SSO set up',
  'staff_sso.connection_create': 'Staff SSO connection added',
  'staff_sso.connection_update': 'Staff SSO connection changed',
  'staff_sso.connection_delete': 'Staff SSO connection removed',
  'staff_sso.required_change': 'Staff SSO requirement changed',
  'staff_sso.break_glass_set': 'Staff password sign-in exception changed',
  'staff_sso.group_role_set': 'Staff SSO group mapped to a role',
  'staff_sso.group_role_remove': 'Staff SSO group mapping removed',
  // SIEM
  'siem.destination.create': 'SIEM destination added',
  'siem.destination.update': 'SIEM destination changed',
  'siem.destination.delete': 'SIEM destination removed',
  'siem.redeliver': 'SIEM events re-sent',
  // Vendor settings and staff
  'setting.update': 'Setting changed',
  'template.update': 'Template changed',
  'template.reset': 'Template reset',
  'staff.create': 'Staff member added',
  'staff.deactivate': 'Staff member deactivated',
  'staff.reactivate': 'Staff member reactivated',
};

/** The label of an action; one recorded before it had a label reads as its code, tidied ("foo.bar_baz" → "Foo bar baz"). */
export function auditActionLabel(action: string): string {
  const label = AUDIT_ACTION_LABELS[action];
  if (label) return label;
  const words = action.replace(/[._]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : action;
}

/** What each audited target type is called on screen (the Target column); the code stays what is stored and exported. */
export const AUDIT_TARGET_LABELS: Record<string, string> = {
  audit_log: 'Audit log',
  feature_flag: 'Feature flag',
  feature_override: 'Feature override',
  instruction_template: 'Instructions template',
  invitation: 'Invitation',
  license: 'License',
  mailbox_proof: 'Mailbox check',
  membership: 'Membership',
  onboarding_item: 'Checklist item',
  org_domain: 'Domain',
  organization: 'Customer',
  plan: 'Plan',
  registry_token: 'Registry token',
  repository: 'Repository',
  role: 'Role',
  setting: 'Setting',
  siem_delivery: 'SIEM delivery',
  siem_destination: 'SIEM destination',
  signing_key: 'Signing key',
  sso_connection: 'SSO connection',
  sso_group_role: 'SSO group mapping',
  sso_identity: 'SSO identity',
  staff_sso_connection: 'Staff SSO connection',
  staff_sso_group_role: 'Staff SSO group mapping',
  subscription: 'Subscription',
  team: 'Team',
  user: 'User',
};

/** The label of a target type; an unknown one reads tidied ("foo_bar" → "Foo bar"). */
export function auditTargetLabel(type: string): string {
  return AUDIT_TARGET_LABELS[type] ?? auditActionLabel(type);
}
