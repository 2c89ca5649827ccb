import 'server-only';
import type { LimitKey, Tier } from './tiers';

/**
 * The default feature table (the vendors' own: SSO, audit logging, data
 * retention, IP allowlisting, API access, webhooks, multiple organizations,
 * user limits). Staff may change a feature's minimum tier or switch it off in
 * the feature_flags table, and add features of their own there; these are the
 * defaults when no row says otherwise.
 */
export const FEATURE_KEYS = [
  'registry_access',
  'api_access',
  'webhooks',
  'audit_log',
  'sso',
  'rbac',
  'ip_allowlist',
  'data_retention',
  'audit_streaming',
  'multiple_orgs',
] as const;
export type KnownFeature = (typeof FEATURE_KEYS)[number];
/** Staff-defined flags are plain strings; the known ones are typed. */
export type FeatureKey = KnownFeature | (string & {});

/**
 * Who enforces a feature. `portal`: something Portcullis itself gives the
 * customer (SSO sign-in, custom roles, the audit log, streaming, registry
 * access); its services, actions and routes refuse a lower tier here
 * (`requirePortalFeature`), and lib/plans/catalog-sweep.db.test.ts proves
 * it for every gated one. `product`: a feature of the vendor's product,
 * carried in the license's `features` claim and the entitlements API for the
 * product to enforce (docs/licensing.md shows how); staff-defined flags are
 * always `product`.
 */
export type FeatureKind = 'portal' | 'product';

export const FEATURE_KIND_LABELS: Record<FeatureKind, { label: string; description: string }> = {
  portal: { label: 'Portal', description: 'Provided by Portcullis and enforced here, server-side.' },
  product: { label: 'Product', description: 'Carried in the license and the entitlements API; the product enforces it.' },
};

export interface FeatureDefinition {
  key: FeatureKey;
  label: string;
  description: string;
  minTier: Tier;
  kind: FeatureKind;
  /** A usage quota that also gates the feature (over the limit: quota_exceeded). */
  quota?: LimitKey;
}

export const FEATURES: Record<KnownFeature, FeatureDefinition> = {
  registry_access: {
    key: 'registry_access',
    label: 'Registry access',
    description: 'Pull the product images and Helm chart with a registry token.',
    minTier: 'community',
    kind: 'portal',
    quota: 'pulls_per_month',
  },
  api_access: {
    key: 'api_access',
    label: 'API access',
    description: 'The entitlements API for automation and online license checks.',
    minTier: 'team',
    kind: 'product',
    quota: 'api_calls_per_month',
  },
  webhooks: { key: 'webhooks', label: 'Webhooks', description: 'Outgoing webhooks on product events.', minTier: 'team', kind: 'product' },
  audit_log: { key: 'audit_log', label: 'Audit logging', description: 'Who did what and when, with export.', minTier: 'team', kind: 'portal' },
  sso: { key: 'sso', label: 'Single sign-on', description: 'SAML 2.0 and OIDC sign-in through your identity provider.', minTier: 'enterprise', kind: 'portal' },
  rbac: { key: 'rbac', label: 'Custom roles (RBAC)', description: 'Compose roles from fine-grained permissions.', minTier: 'enterprise', kind: 'portal' },
  ip_allowlist: { key: 'ip_allowlist', label: 'IP allowlisting', description: 'Restrict access to known networks.', minTier: 'enterprise', kind: 'product' },
  data_retention: { key: 'data_retention', label: 'Data retention', description: 'Configurable retention policies.', minTier: 'enterprise', kind: 'product' },
  audit_streaming: { key: 'audit_streaming', label: 'Audit streaming', description: 'Stream the audit log to your SIEM.', minTier: 'enterprise', kind: 'portal' },
  multiple_orgs: { key: 'multiple_orgs', label: 'Multiple organizations', description: 'Run several isolated organizations.', minTier: 'enterprise', kind: 'product' },
};

export function isKnownFeature(value: unknown): value is KnownFeature {
  return typeof value === 'string' && Object.hasOwn(FEATURES, value);
}

/** Lower-case words joined by underscores or dots, e.g. `audit_log`, `product.ha_mode`. */
export const FEATURE_KEY_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** Features Portcullis enforces itself (every gated one has a case in the catalog sweep). */
export const PORTAL_FEATURES = (Object.values(FEATURES) as FeatureDefinition[]).filter((feature) => feature.kind === 'portal').map((feature) => feature.key as KnownFeature);

/** What people read for a feature key: the catalog's label, or the key itself for the vendor's own product features. */
export function featureLabel(key: string): string {
  return isKnownFeature(key) ? FEATURES[key].label : key;
}

export function featureKind(key: FeatureKey): FeatureKind {
  return isKnownFeature(key) ? FEATURES[key].kind : 'product';
}
