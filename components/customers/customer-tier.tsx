import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { TierBadge } from './badges';

/**
 * A customer's tier and where it comes from. The tier is billing's: a
 * staff-set manual tier for an invoiced deal, else what the Stripe
 * subscription grants. `children` goes beside the badges (e.g. the control that changes it).
 */
export function CustomerTier({ tier, manualTier, children }: { tier: string; manualTier: string | null; children?: ReactNode }) {
  return (
    <div className="grid gap-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <TierBadge tier={tier} />
        {manualTier ? <Badge title="Set by staff for an invoiced deal">manual</Badge> : null}
        {children}
      </div>
      <p className="text-[13px] leading-5 text-muted-foreground">
        {manualTier
          ? 'A manual tier set by billing staff (an invoiced deal): Stripe webhooks and billing sync keep it.'
          : 'Follows their Stripe subscription (Community without one) until billing staff set a manual tier for an invoiced deal.'}
      </p>
    </div>
  );
}

/** The tier in a customer form that does not set it: labelled like a field, with where it changes. */
export function TierSetting({ children }: { children: ReactNode }) {
  return (
    <div role="group" aria-labelledby="tier-setting" className="grid gap-1.5">
      <span id="tier-setting" className="text-sm leading-5 font-medium text-foreground">
        Tier
      </span>
      {children}
    </div>
  );
}
