import 'server-only';
import { AppError } from '@/lib/platform/errors';
import { describeDenial, type DenialReason, type FeatureDecision } from './decide';
import type { LimitKey } from './tiers';

/**
 * Thrown by `requireFeature`. Carries the decision so a page can render the
 * UpgradeGate prompt for it (`<UpgradePrompt decision={error.decision} />`)
 * and an API can answer the typed reason.
 */
export class FeatureUnavailableError extends AppError {
  readonly decision: Extract<FeatureDecision, { allowed: false }>;

  constructor(decision: Extract<FeatureDecision, { allowed: false }>) {
    super(describeDenial(decision.label, decision.reason), 403, 'feature_unavailable');
    this.decision = decision;
  }

  get reason(): DenialReason {
    return this.decision.reason;
  }
}

/** Thrown at a quota's limit, e.g. inviting a fourth member on Community. */
export class QuotaExceededError extends AppError {
  constructor(
    message: string,
    readonly quota: LimitKey,
    readonly used: number,
    readonly limit: number,
  ) {
    super(message, 409, 'quota_exceeded');
  }
}

export function isFeatureUnavailable(error: unknown): error is FeatureUnavailableError {
  return error instanceof FeatureUnavailableError;
}
