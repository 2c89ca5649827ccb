import 'server-only';
import { Mail, Sparkles } from 'lucide-react';
import { CheckoutButton } from '@/components/billing/checkout-button';
import { buttonVariants, LinkButton } from '@/components/ui/button';
import { oneClickCheckout } from '@/lib/product/billing/checkout';
import { salesContact, salesHref } from '@/lib/plans/sales';
import { TIERS, tierLabel, tierOf } from '@/lib/plans/tiers';

/**
 * The one upgrade call to action, wherever a limit or a locked feature is
 * shown (UpgradeGate, the seat-limit notice, the quota warning): straight into
 * Stripe Checkout when the plan is sold that way and the org can buy it now;
 * the billing page when it has a subscription to change; sales for plans
 * sold by contract.
 */
export async function UpgradeButton({ org, tier, subject }: { org: { id: string; slug: string }; tier: string; subject: string }) {
  const target = tierOf(tier);
  const label = `Upgrade to ${tierLabel(target)}`;
  if (TIERS[target].purchase === 'checkout') {
    if (await oneClickCheckout(org.id, target)) return <CheckoutButton org={org.slug} tier={target} label={label} />;
    return (
      <LinkButton href={`/portal/${encodeURIComponent(org.slug)}/billing?upgrade=${target}`}>
        <Sparkles aria-hidden="true" />
        {label}
      </LinkButton>
    );
  }
  return (
    <a href={salesHref(await salesContact(), subject)} className={buttonVariants({ variant: 'secondary' })}>
      <Mail aria-hidden="true" />
      Contact sales
    </a>
  );
}
