import 'server-only';
import type { Sql } from '@/lib/platform/db/sql';
import { log } from '@/lib/platform/log';
import { sendMail } from '@/lib/platform/mail/send';
import { BUILTIN_ROLES, CUSTOM_ROLE, STAFF_ROLES, type OrgPermission, type StaffPermission } from '@/lib/identity/rbac/permissions';
import { customerQuotaMail, staffQuotaMail, type QuotaNoticeKind } from './quota-mail';
import { loadPullQuota } from './quota';

/**
 * Mail for the month's pull-quota warning and first refusal, sent by the pull
 * log after the transaction that claimed it (`pull_quota_usage.warned_at` /
 * `refused_at`) commits, so exactly one replica sends it, once a month. It is
 * sent off the request path and never retried: a process that dies between
 * the commit and the send (or an SMTP server that refuses it) loses that
 * month's mail, while the audit event, the portal banner and the dashboard
 * still show the warning. Raw SQL only: this runs in the gateway process.
 *
 * Recipients: the customer's members whose role (built-in or custom) grants
 * `billing.view` or `billing.manage` (owners and admins by default: the people
 * who see the billing page the upgrade link opens), else the customer's
 * contact address; and staff whose role grants `billing.manage` (staff-admin
 * and staff-billing: who can raise the limit), never deactivated accounts.
 * Each person gets a message of their own, so no one sees the other addresses.
 */
export interface QuotaNotice {
  kind: QuotaNoticeKind;
  orgId: string;
  /** The first day of the month, YYYY-MM-DD. */
  month: string;
  used: number;
}

export const ORG_NOTICE_PERMISSIONS: readonly OrgPermission[] = ['billing.view', 'billing.manage'];
export const STAFF_NOTICE_PERMISSION: StaffPermission = 'billing.manage';
export const DEFAULT_QUOTA_MAIL_DEADLINE_MS = 30_000;

const orgNoticeRoles = Object.entries(BUILTIN_ROLES)
  .filter(([, role]) => role.permissions.some((p: OrgPermission) => ORG_NOTICE_PERMISSIONS.includes(p)))
  .map(([key]) => key);
const staffNoticeRoles = Object.entries(STAFF_ROLES)
  .filter(([, role]) => (role.permissions as readonly StaffPermission[]).includes(STAFF_NOTICE_PERMISSION))
  .map(([key]) => key);

export async function quotaNoticeRecipients(db: Sql, orgId: string): Promise<{ customer: string[]; staff: string[] }> {
  const members = await db.$queryRaw<{ email: string }[]>`
    SELECT DISTINCT u.email FROM memberships m
    JOIN users u ON u.id = m.user_id
    LEFT JOIN roles r ON r.id = m.custom_role_id AND r.org_id = m.org_id
    WHERE m.org_id = ${orgId} AND u.disabled_at IS NULL
      AND (m.role = ANY(${orgNoticeRoles}::text[]) OR (m.role = ${CUSTOM_ROLE} AND r.permissions && ${ORG_NOTICE_PERMISSIONS}::text[]))
    ORDER BY u.email`;
  const customer = members.length
    ? members.map((m) => m.email)
    : (await db.$queryRaw<{ contact_email: string }[]>`SELECT contact_email FROM organizations WHERE id = ${orgId}`).map((o) => o.contact_email);
  const staff = await db.$queryRaw<{ email: string }[]>`
    SELECT email FROM users WHERE staff_role = ANY(${staffNoticeRoles}::text[]) AND disabled_at IS NULL ORDER BY email`;
  return { customer, staff: staff.map((s) => s.email).filter((email) => !customer.includes(email)) };
}

/**
 * Sends one notice to everyone it concerns, within `deadlineMs`. Never throws:
 * a failure is logged with counts, never with the addresses or the message.
 */
export async function sendQuotaNotice(db: Sql, notice: QuotaNotice, options: { deadlineMs?: number } = {}): Promise<void> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_QUOTA_MAIL_DEADLINE_MS;
  const context = { orgId: notice.orgId, kind: notice.kind, month: notice.month.slice(0, 7) };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deadlineMs);
    timer.unref();
  });
  const work = (async () => {
    const [org] = await db.$queryRaw<{ name: string; slug: string }[]>`SELECT name, slug FROM organizations WHERE id = ${notice.orgId}`;
    const quota = await loadPullQuota(db, notice.orgId, new Date(`${notice.month}T00:00:00Z`));
    if (!org || !quota || quota.limit === null) return { recipients: 0, failed: 0 };
    const recipients = await quotaNoticeRecipients(db, notice.orgId);
    const input = { kind: notice.kind, org, quota, used: notice.used, month: notice.month };
    const messages = [...recipients.customer.map((to) => customerQuotaMail(to, input)), ...recipients.staff.map((to) => staffQuotaMail(to, input))];
    const results = await Promise.all(messages.map((message) => sendMail(message)));
    return { recipients: messages.length, failed: results.filter((r) => !r.sent).length };
  })();
  try {
    const outcome = await Promise.race([work, deadline]);
    if (outcome === 'timeout') log.error({ ...context, deadlineMs }, 'quota mail not sent within its deadline');
    else if (outcome.failed) log.error({ ...context, ...outcome }, 'quota mail not sent to every recipient');
    else log.info({ ...context, ...outcome }, 'quota mail sent');
  } catch (error) {
    log.error({ ...context, err: error instanceof Error ? error.message : String(error) }, 'quota mail not sent: recipients could not be read');
  } finally {
    clearTimeout(timer);
  }
  // A send still running past the deadline is left to finish or fail on its own, logged by sendMail.
  work.catch(() => {});
}
