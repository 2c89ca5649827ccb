import 'server-only';
import { Alert } from '@/components/ui/alert';
import type { KnownFeature } from '@/lib/plans/catalog';
import { prisma } from '@/lib/platform/db/client';
import { downgradeEffects } from '@/lib/plans/portal-gate';

/**
 * Tells the customer what a downgrade did to what they already have (SSO
 * connections inactive, custom roles frozen, streaming paused). Renders
 * nothing while the plan includes the features.
 */
export async function DowngradeNotice({ orgId, features, className }: { orgId: string; features: readonly KnownFeature[]; className?: string }) {
  const effects = await downgradeEffects(prisma, orgId, features);
  if (effects.length === 0) return null;
  return (
    <div className={className ?? 'mb-6 space-y-3'}>
      {effects.map((effect) => (
        <Alert key={effect.feature} tone="warning" title={`${effect.label} is not in your current plan`} data-testid={`downgrade-${effect.feature}`}>
          {effect.message}
        </Alert>
      ))}
    </div>
  );
}
