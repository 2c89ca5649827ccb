import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';
import { escapeHtml } from '@/lib/platform/html';
import type { MailMessage } from '@/lib/platform/mail/transport';
import { quotaMessage, quotaUpgradeUrl, type PullQuota } from './quota';

/**
 * The mails sent when a customer's monthly pulls cross the warning threshold
 * or are first refused (lib/product/gateway/quota-notices.ts sends them). The
 * customer's mail holds only what its admins see in the portal anyway: their
 * organization's name, the month's count, the limit and grace, the refusal
 * text and the upgrade link. Staff get their own mail with the admin page.
 */
export type QuotaNoticeKind = 'warning' | 'refused';

export interface QuotaMailInput {
  kind: QuotaNoticeKind;
  org: { name: string; slug: string };
  quota: Pick<PullQuota, 'tier' | 'limit' | 'hardLimit'>;
  /** Counted pulls when the notice was claimed. */
  used: number;
  /** The first day of the month, YYYY-MM-DD. */
  month: string;
}

const num = (value: number) => value.toLocaleString('en-US');

function monthLabel(month: string): string {
  return new Date(`${month}T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function nextMonthLabel(month: string): string {
  const start = new Date(`${month}T00:00:00Z`);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toLocaleDateString('en-US', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function page(paragraphs: string[], footer: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;line-height:1.5">
${paragraphs.map((p) => (p.startsWith('<pre') ? p : `<p>${p}</p>`)).join('\n')}
<p style="color:#555;font-size:13px">${footer}</p>
</body></html>`;
}

const button = (href: string, label: string) =>
  `<a href="${escapeHtml(href)}" style="display:inline-block;padding:8px 16px;background:#111;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a>`;

/** To one of the customer's admins. */
export function customerQuotaMail(to: string, input: QuotaMailInput): MailMessage {
  const { org, quota, used } = input;
  const limit = quota.limit ?? 0;
  const hardLimit = quota.hardLimit ?? limit;
  const grace = hardLimit - limit;
  const month = monthLabel(input.month);
  const refusal = `toomanyrequests: ${quotaMessage({ limit: quota.limit, slug: org.slug, tier: quota.tier })}`;
  const upgrade = quotaUpgradeUrl({ slug: org.slug, tier: quota.tier });
  const usage = `${publicUrl()}/portal/${org.slug}/usage`;
  const atLimit = `Past ${num(hardLimit)} pulls (the limit${grace > 0 ? ` plus a grace of ${num(grace)}` : ''}), the registry refuses new image pulls until ${nextMonthLabel(input.month)} (UTC) or until the plan is upgraded; docker, podman and skopeo then print:`;
  const lead =
    input.kind === 'warning'
      ? `${org.name} has used ${num(used)} of its ${num(limit)} image pulls for ${month} (UTC).`
      : `${org.name} has used its ${num(limit)} image pulls for ${month} (UTC) and the grace after them: the registry now refuses new image pulls (deployments that pull an image fail) until ${nextMonthLabel(input.month)} (UTC) or until the plan is upgraded. Docker, podman and skopeo print:`;
  const action = 'Upgrade to keep pulling:';
  const footer = `You receive this because you manage billing for ${org.name} on Portcullis. Usage: ${usage}`;
  const text = [lead, '', ...(input.kind === 'warning' ? [atLimit, ''] : []), `    ${refusal}`, '', action, upgrade, '', footer].join('\n');
  const html = page(
    [
      escapeHtml(lead),
      ...(input.kind === 'warning' ? [escapeHtml(atLimit)] : []),
      `<pre style="font-family:ui-monospace,monospace;font-size:13px;white-space:pre-wrap;background:#f4f4f5;padding:8px;border-radius:6px">${escapeHtml(refusal)}</pre>`,
      button(upgrade, 'Upgrade the plan'),
    ],
    `Or open ${escapeHtml(upgrade)}<br>${escapeHtml(footer)}`,
  );
  const subject =
    input.kind === 'warning'
      ? `${org.name} has used ${num(used)} of ${num(limit)} image pulls this month`
      : `${org.name} reached its monthly pull quota: new pulls are refused`;
  return { to, subject, text, html };
}

/** To a staff member who looks after billing. */
export function staffQuotaMail(to: string, input: QuotaMailInput): MailMessage {
  const { org, quota, used } = input;
  const limit = quota.limit ?? 0;
  const page_ = `${publicUrl()}/admin/customers/${org.slug}`;
  const month = monthLabel(input.month);
  const lead =
    input.kind === 'warning'
      ? `Customer ${org.name} (${org.slug}, ${quota.tier}) has used ${num(used)} of its ${num(limit)} image pulls for ${month} (UTC): past its warning threshold. Pulls are refused from ${num(quota.hardLimit ?? limit)} on.`
      : `Customer ${org.name} (${org.slug}, ${quota.tier}) is past its ${num(limit)} image pulls for ${month} (UTC) and the grace (${num(quota.hardLimit ?? limit)}): the gateway now refuses its pulls.`;
  const footer = 'Billing staff can raise its limit or grace on the customer page. You receive this because your staff role manages billing.';
  const text = [lead, '', 'Customer page:', page_, '', footer].join('\n');
  const html = page([escapeHtml(lead), button(page_, 'Open the customer')], `Or open ${escapeHtml(page_)}<br>${escapeHtml(footer)}`);
  const subject = input.kind === 'warning' ? `Pull quota warning: ${org.name} (${org.slug})` : `Pulls refused: ${org.name} (${org.slug}) reached its quota`;
  return { to, subject, text, html };
}
