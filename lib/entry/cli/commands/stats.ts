import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import { getPullStats, type PullStats } from '@/lib/product/stats/pull-stats';
import { adoptionByCustomer } from '@/lib/product/stats/query-params';
import { cliContext } from '../context';
import type { Output } from '../output';
import type { RegisterCommand } from '.';
import { DAY } from '@/lib/platform/time';

export const registerStats: RegisterCommand = (program, kit) => {
  program
    .command('stats')
    .description('pull statistics (the admin dashboard\'s numbers), overall or for one customer')
    .argument('[customer]', 'customer slug')
    .option('--from <YYYY-MM-DD>', 'first day (UTC)')
    .option('--to <YYYY-MM-DD>', 'last day (UTC), default today')
    .option('--days <n>', 'the last n days instead of --from (default 30)')
    .option('--limit <n>', 'rows per list', '20')
    .option('--json', 'machine-readable output')
    .action(async (customer: string | undefined, options: { from?: string; to?: string; days?: string; limit: string; json?: boolean }) => {
      const { actor } = await cliContext();
      let orgId: string | undefined;
      if (customer) {
        const org = await prisma.organization.findUnique({ where: { slug: customer.toLowerCase() }, select: { id: true } });
        if (!org) throw new NotFoundError(`No customer with slug "${customer}".`);
        orgId = org.id;
      }
      let from = options.from;
      if (options.days !== undefined) {
        const days = Number(options.days);
        if (!Number.isInteger(days) || days < 1) throw ValidationError.field('days', '--days must be a whole number of days, at least 1.');
        const to = options.to ? new Date(`${options.to}T00:00:00Z`) : new Date();
        from = new Date(to.getTime() - (days - 1) * DAY).toISOString().slice(0, 10);
      }
      const stats = await getPullStats(actor, { orgId, from, to: options.to, limit: options.limit });
      const out = kit.output(!!options.json);
      if (out.json) out.data(stats);
      else printStats(out, stats);
    });
};

function printStats(out: Output, stats: PullStats) {
  out.print(`Pull statistics${stats.org ? ` for ${stats.org.name} (${stats.org.slug})` : ''}, ${stats.range.from} to ${stats.range.to} (UTC)`);
  out.print();
  out.print(`Pulls:             ${stats.totals.pulls}`);
  out.print(`Manifest requests: ${stats.totals.successfulRequests}`);
  out.print(`Denied requests:   ${stats.totals.denials}`);
  out.print(`Errors:            ${stats.totals.errors}`);
  if (!stats.org) out.print(`Customers pulling: ${stats.totals.customersPulling}`);
  out.print(`Last pull:         ${stats.totals.lastPullAt?.toISOString() ?? 'never'}`);
  if (stats.org) for (const row of stats.allowedVersions) out.print(`May run:           ${row.repository}: ${row.versions}`);
  const section = (title: string) => {
    out.print();
    out.print(`${title}:`);
  };
  section('Per day');
  out.table(stats.series.filter((d) => d.pulls || d.denials), [
    { key: 'day', label: 'Day' },
    { key: 'pulls', label: 'Pulls' },
    { key: 'denials', label: 'Denied' },
  ]);
  if (!stats.org) {
    section('By customer');
    out.table(stats.customers, [
      { key: 'slug', label: 'Customer' },
      { key: 'pulls', label: 'Pulls' },
      { key: 'denials', label: 'Denied' },
      { key: 'lastPullAt', label: 'Last pull' },
    ]);
  }
  section('Top images');
  out.table(stats.topImages, [
    { key: 'repository', label: 'Image' },
    { key: 'pulls', label: 'Pulls' },
    { key: 'customers', label: 'Customers' },
  ]);
  section('Top tags');
  out.table(stats.topTags, [
    { key: 'repository', label: 'Image' },
    { key: 'reference', label: 'Tag' },
    { key: 'pulls', label: 'Pulls' },
    { key: 'customers', label: 'Customers' },
  ]);
  section('Version adoption (most recent first)');
  out.table(
    adoptionByCustomer(stats.adoption).map((row) => ({ customer: row.slug, image: row.repository, tags: row.tags.map((t) => `${t.reference} (${t.pulls})`).join(', ') })),
    [
      { key: 'customer', label: 'Customer' },
      { key: 'image', label: 'Image' },
      { key: 'tags', label: 'Tags (pulls)' },
    ],
  );
  if (!stats.org) {
    section('Never pulled');
    out.table(stats.neverPulled, [
      { key: 'slug', label: 'Customer' },
      { key: 'createdAt', label: 'Customer since' },
    ]);
  }
  section('Recent denials');
  out.table(
    stats.recentDenials.map((d) => ({ ...d, who: d.orgName ?? d.username ?? '-', image: `${d.repository}:${d.reference}` })),
    [
      { key: 'occurredAt', label: 'When' },
      { key: 'who', label: 'Customer' },
      { key: 'image', label: 'Image' },
      { key: 'outcome', label: 'Outcome' },
      { key: 'reason', label: 'Reason' },
      { key: 'clientIp', label: 'Client' },
    ],
  );
}
