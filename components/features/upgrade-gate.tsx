import 'server-only';
import type { ReactNode } from 'react';
import { prisma } from '@/lib/platform/db/client';
import type { FeatureKey } from '@/lib/plans/catalog';
import type { FeatureDecision } from '@/lib/plans/decide';
import { getFeatureDecision } from '@/lib/plans/license';
import { upgradeTierFor } from '@/lib/plans/decide';
import { tierLabel } from '@/lib/plans/tiers';
import { salesContact } from '@/lib/plans/sales';
import { UpgradeButton } from '@/components/billing/upgrade-button';
import { UpgradePrompt } from './upgrade-prompt';

/**
 * Renders `children` when the organization may use `feature`; otherwise the
 * reason and the right call to action (upgrade through billing checkout,
 * contact sales for Enterprise, renew an expired license). A server
 * component: the decision is made on the server by `decideFeature`, the same
 * function `requireFeature` guards actions and routes with.
 *
 *   <UpgradeGate feature="audit_log" org={{ id: org.id, slug: org.slug }}>…</UpgradeGate>
 */
export async function UpgradeGate({
  feature,
  org,
  decision,
  children,
  className,
}: {
  feature: FeatureKey;
  org: { id: string; slug: string };
  /** Pass a decision already made (e.g. from a FeatureUnavailableError) to skip the lookup. */
  decision?: FeatureDecision;
  children: ReactNode;
  className?: string;
}) {
  const result = decision ?? (await getFeatureDecision(prisma, org.id, feature));
  if (result.allowed) return <>{children}</>;
  const tier = upgradeTierFor(result.reason);
  const upgrade = tier ? <UpgradeButton org={org} tier={tier} subject={`${tierLabel(tier)} plan for ${org.slug}: ${result.label}`} /> : undefined;
  return <UpgradePrompt decision={result} orgSlug={org.slug} salesContact={await salesContact()} upgrade={upgrade} className={className} />;
}
