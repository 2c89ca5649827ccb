import { Lock, Mail, Sparkles } from 'lucide-react';
import type { ReactNode } from 'react';
import { buttonVariants, LinkButton } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { describeDenial, upgradeTierFor, type FeatureDecision } from '@/lib/plans/decide';
import { salesHref } from '@/lib/plans/sales-href';
import { TIERS, tierLabel } from '@/lib/plans/tiers';

export type Denied = Extract<FeatureDecision, { allowed: false }>;

export interface CallToAction {
  kind: 'upgrade' | 'contact_sales' | 'renew' | 'contact_support' | 'none';
  label: string;
  href?: string;
}

/** What the prompt offers for a denial: Team is bought through billing checkout, Enterprise through sales. */
export function callToAction(decision: Denied, orgSlug: string, salesContact: string): CallToAction {
  const tier = upgradeTierFor(decision.reason);
  const sales = (subject: string) => salesHref(salesContact, subject);
  if (tier) {
    if (TIERS[tier].purchase === 'checkout') {
      return { kind: 'upgrade', label: `Upgrade to ${tierLabel(tier)}`, href: `/portal/${encodeURIComponent(orgSlug)}/billing?upgrade=${tier}` };
    }
    return { kind: 'contact_sales', label: 'Contact sales', href: sales(`${tierLabel(tier)} plan for ${orgSlug}: ${decision.label}`) };
  }
  switch (decision.reason.code) {
    case 'license_expired':
      return { kind: 'renew', label: 'Renew your license', href: sales(`License renewal for ${orgSlug}`) };
    case 'quota_exceeded':
      return { kind: 'contact_sales', label: 'Contact sales', href: sales(`More ${decision.reason.quota} for ${orgSlug}`) };
    case 'disabled':
      return { kind: 'contact_support', label: 'Contact your account team if you need it.' };
    default:
      return { kind: 'none', label: '' };
  }
}

const TITLES: Record<Denied['reason']['code'], (label: string) => string> = {
  tier_required: (label) => `${label} needs an upgrade`,
  override_expired: (label) => `Your access to ${label} has ended`,
  disabled: (label) => `${label} is unavailable`,
  license_expired: () => 'Your license has expired',
  quota_exceeded: () => 'You have reached your plan’s limit',
  unknown_feature: (label) => `${label} is not available`,
};

/** The UpgradeGate's face: why the feature is closed and the one thing to do about it. */
export function UpgradePrompt({
  decision,
  orgSlug,
  salesContact,
  upgrade,
  className,
}: {
  decision: Denied;
  orgSlug: string;
  salesContact: string;
  /** The server-decided upgrade button (UpgradeButton: one click into Checkout where possible), replacing the plain link. */
  upgrade?: ReactNode;
  className?: string;
}) {
  const action = callToAction(decision, orgSlug, salesContact);
  const tier = upgradeTierFor(decision.reason);
  return (
    <section
      aria-label={`${decision.label} is locked`}
      data-feature={decision.feature}
      data-reason={decision.reason.code}
      className={cn('flex flex-col gap-4 rounded-lg border border-dashed border-border bg-subtle px-5 py-5', className)}
    >
      <div className="flex items-start gap-4">
        <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-accent-soft text-accent-strong" aria-hidden="true">
          <Lock className="size-5" />
        </span>
        <div className="min-w-0 flex-1 space-y-1">
          <h3 className="text-sm leading-5 font-semibold">{TITLES[decision.reason.code](decision.label)}</h3>
          <p className="text-sm text-muted-foreground">{describeDenial(decision.label, decision.reason)}</p>
          {tier ? <p className="text-xs text-muted-foreground">{TIERS[tier].label}: {TIERS[tier].description}</p> : null}
        </div>
      </div>
      {upgrade && (action.kind === 'upgrade' || action.kind === 'contact_sales') && tier ? (
        <div className="pl-14">{upgrade}</div>
      ) : action.href ? (
        <div className="pl-14">
          {action.kind === 'upgrade' ? (
            <LinkButton href={action.href}>
              <Sparkles aria-hidden="true" />
              {action.label}
            </LinkButton>
          ) : (
            <a href={action.href} className={buttonVariants({ variant: 'secondary' })}>
              <Mail aria-hidden="true" />
              {action.label}
            </a>
          )}
        </div>
      ) : action.kind === 'contact_support' ? (
        <p className="pl-14 text-xs text-muted-foreground">{action.label}</p>
      ) : null}
    </section>
  );
}
