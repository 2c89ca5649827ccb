import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMailTransport } from '@/lib/platform/mail/send';
import { smtpTransport } from '@/lib/platform/mail/smtp';
import { startMailSink, type MailSink } from '@/dev/testing/mail-sink';
import { prisma } from '@/lib/platform/db/client';
import { openUpstreamSecret } from '@/lib/product/registry/upstream-credential';
import { isWellFormedToken } from '@/lib/product/registry/token-format';
import { verifyRegistryCredentials } from '@/lib/product/registry/credentials';
import { runCli } from '@/dev/testing/cli';
import { uniqueSlug } from '@/dev/testing/factories';
import { DAY } from '@/lib/platform/time';

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

async function ok(argv: string[], env?: Record<string, string>) {
  const result = await runCli(argv, env);
  expect(result, `portcullis ${argv.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return result;
}

async function fails(argv: string[], code: 1 | 2, stderr?: string | RegExp) {
  const result = await runCli(argv);
  expect(result.code, `portcullis ${argv.join(' ')}: ${result.stderr}`).toBe(code);
  if (code === 1) expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  if (stderr) expect(result.stderr).toMatch(stderr);
  return result;
}

/** A customer and a granted repository, made through the CLI itself. */
async function onboarded() {
  const slug = uniqueSlug('cli');
  const name = `Cli Customer ${slug}`;
  const repo = `vendor/${uniqueSlug('product')}`;
  await ok(['customers', 'add', name, `ops@${slug}.test`, '--slug', slug, '--tier', 'enterprise', '--expires', isoDay(90)]);
  await ok(['repos', 'add', repo, '--upstream', 'https://ghcr.io', '--default-tag', '4.2.0']);
  await ok(['customers', 'grant', slug, repo]);
  return { slug, name, repo };
}

// Invitation mail goes through the real SMTP transport to a real SMTP server started here.
let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
  setMailTransport(smtpTransport(sink.url));
});
afterAll(async () => {
  setMailTransport(undefined);
  await sink.close();
});

describe('portcullis customers add / invite: the first owner', () => {
  it('add invites EMAIL as owner (mailed, link on the last line), audited as cli:<os user>; --no-invite does not', async () => {
    const slug = uniqueSlug('own');
    const email = `boss@${slug}.test`;
    const added = await ok(['customers', 'add', `Owned ${slug}`, email, '--slug', slug]);
    const lines = added.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(new RegExp(`^Invited ${email} as Owner \\(expires \\d{4}-\\d{2}-\\d{2}\\); the invitation was emailed$`));
    expect(added.lastLine).toMatch(/^http:\/\/\S+\/invite\/pci_[0-9A-Za-z]{43}$/);
    const mail = await sink.waitFor((m) => m.to.includes(email));
    expect(mail.text).toContain(added.lastLine);
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    const invitation = await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id } });
    expect(invitation).toMatchObject({ email, role: 'owner', acceptedAt: null, revokedAt: null });
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'member.invite' } })).toMatchObject({ actorType: 'cli', actorLabel: expect.stringMatching(/^cli:/) });

    const quiet = uniqueSlug('quiet');
    const plain = await ok(['customers', 'add', `Quiet ${quiet}`, `ops@${quiet}.test`, '--slug', quiet, '--no-invite']);
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(await prisma.invitation.count({ where: { org: { slug: quiet } } })).toBe(0);
  });

  it('invite CUSTOMER EMAIL [--role ROLE] invites more people; bad input changes nothing', async () => {
    const slug = uniqueSlug('more');
    await ok(['customers', 'add', `More ${slug}`, `ops@${slug}.test`, '--slug', slug, '--no-invite', '--tier', 'enterprise']);
    const second = await ok(['customers', 'invite', slug, `Second@${slug}.test`]);
    expect(second.stdout).toMatch(new RegExp(`^Invited second@${slug}.test as Owner`));
    const admin = await ok(['customers', 'invite', `More ${slug}`, `admin@${slug}.test`, '--role', 'admin']);
    expect(admin.stdout).toMatch(/ as Admin /);
    const rows = await prisma.invitation.findMany({ where: { org: { slug } }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.email, r.role])).toEqual([[`second@${slug}.test`, 'owner'], [`admin@${slug}.test`, 'admin']]);

    await fails(['customers', 'invite', slug, 'not-an-email'], 1, /email: Enter a valid email address/);
    await fails(['customers', 'invite', slug, `x@${slug}.test`, '--role', 'emperor'], 1);
    await fails(['customers', 'invite', uniqueSlug('nobody'), `x@${slug}.test`], 1);
    await fails(['customers', 'invite', slug], 2);
    expect(await prisma.invitation.count({ where: { org: { slug } } })).toBe(2);
  });
});

describe('portcullis customers', () => {
  it('add creates the customer, audited as cli:<os user>; list shows it', async () => {
    const slug = uniqueSlug('acme');
    const added = await ok(['customers', 'add', `Acme ${slug}`, `Ops@${slug}.test`, '--tier', 'team', '--expires', isoDay(30), '--slug', slug, '--namespace', 'acme']);
    expect(added.stdout.split('\n')[0]).toBe(`Created customer Acme ${slug} (slug ${slug}, tier team, id ${(await prisma.organization.findUniqueOrThrow({ where: { slug } })).id})`);
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    expect(org).toMatchObject({ contactEmail: `ops@${slug}.test`, tier: 'team', manualTier: 'team', namespace: 'acme' });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'customer.create', orgId: org.id } });
    expect(event).toMatchObject({ actorType: 'cli', actorLabel: expect.stringMatching(/^cli:.+/) });

    const list = await ok(['customers', 'list', '--json', '--search', slug]);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ slug, name: `Acme ${slug}`, tier: 'team', status: 'active', activeTokens: 0 })]);
    const text = await ok(['customers', 'list', '--search', slug]);
    expect(text.stdout.split('\n')[0]).toMatch(/^SLUG\s+NAME\s+TIER\s+STATUS/);
    expect(text.stdout).toContain(slug);
  });

  it('add refuses bad input with one line on stderr, exit 1, and writes nothing', async () => {
    const slug = uniqueSlug('bad');
    const { slug: taken } = await onboarded();
    await fails(['customers', 'add', 'Dup', `a@${slug}.test`, '--slug', taken], 1, `portcullis: The slug "${taken}" is already used by`);
    await fails(['customers', 'add', 'Past', `a@${slug}.test`, '--slug', slug, '--expires', isoDay(-2)], 1, 'portcullis: licenseExpiresAt: The license expiry must be today or later.\n');
    await fails(['customers', 'add', 'Bad date', `a@${slug}.test`, '--slug', slug, '--expires', '31/12/2030'], 1, /Use a date such as/);
    await fails(['customers', 'add', 'Mail', 'not-an-email', '--slug', slug], 1, /contactEmail: Enter a valid email address/);
    await fails(['customers', 'add', '  ', `a@${slug}.test`, '--slug', slug], 1, "portcullis: name: Enter the customer's name.\n");
    await fails(['customers', 'add', 'x'.repeat(101), `a@${slug}.test`, '--slug', slug], 1, 'portcullis: name: Use at most 100 characters.\n');
    await fails(['customers', 'add', 'Tier', `a@${slug}.test`, '--slug', slug, '--tier', 'gold'], 1, /tier: Choose a tier/);
    expect(await prisma.organization.count({ where: { slug } })).toBe(0);
  });

  it('grant, show, checklist and deactivate', async () => {
    const { slug, name, repo } = await onboarded();
    expect((await ok(['customers', 'grant', name, repo])).stdout).toBe(`${name} could already pull ${repo}\n`);
    await fails(['customers', 'grant', `nobody-${slug}`, repo], 1, `portcullis: No customer with the slug or name "nobody-${slug}".\n`);
    await fails(['customers', 'grant', slug, 'vendor/missing'], 1, 'portcullis: No repository named vendor/missing.\n');

    // Version limits: validated before anything changes, shown by `show` and `stats`, lifted with --all-versions.
    await fails(['customers', 'grant', slug, repo, '--versions', 'newest'], 1, /"newest" is not a semver range/);
    await fails(['customers', 'grant', slug, repo, '--channel', 'stable', '--all-versions'], 1, /--all-versions alone/);
    expect((await ok(['customers', 'grant', slug, repo, '--channel', 'stable', '--versions', '>=2 <3'])).stdout).toBe(
      `${name} could already pull ${repo}\nVersions ${name} may pull: channel stable, versions >=2 <3\n`,
    );
    expect((await ok(['customers', 'show', slug])).stdout).toContain(`Repositories: ${repo} (channel stable, versions >=2 <3)`);
    expect((await ok(['stats', slug])).stdout).toContain(`May run:           ${repo}: channel stable, versions >=2 <3`);
    expect((await ok(['customers', 'grant', slug, repo, '--all-versions'])).stdout).toContain(`Versions ${name} may pull: all versions\n`);
    const { id: orgId } = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    expect(await prisma.auditEvent.count({ where: { orgId, action: 'entitlement.update' } })).toBe(2);

    await ok(['customers', 'checklist', slug, 'info_collected']);
    await fails(['customers', 'checklist', slug, 'party'], 1, /Unknown checklist item party/);
    const shown = JSON.parse((await ok(['customers', 'show', slug, '--json'])).stdout);
    expect(shown).toMatchObject({ slug, repositories: [expect.objectContaining({ name: repo })] });
    expect(shown.checklist.find((item: { key: string }) => item.key === 'info_collected').doneBy).toMatch(/^cli:/);
    expect((await ok(['customers', 'show', slug])).stdout).toContain('[x] info_collected');

    await ok(['tokens', 'create', slug, '--repo', repo]);
    expect((await ok(['customers', 'deactivate', slug, '--reason', 'churned'])).stdout).toBe(`Deactivated ${name}; revoked 1 token\n`);
    expect((await prisma.organization.findUniqueOrThrow({ where: { slug } })).status).toBe('deactivated');
    await ok(['customers', 'ungrant', slug, repo]);
    await fails(['customers', 'ungrant', slug, repo], 1, /has no grant/);
  });

  it('usage errors exit 2', async () => {
    await fails(['customers', 'add', 'Only a name'], 2);
    await fails(['customers', 'grant'], 2);
    await fails(['customers', 'list', '--bogus'], 2);
  });
});

describe('portcullis repos', () => {
  it('add stores the upstream password from an environment variable, sealed; list never shows it', async () => {
    const repo = `vendor/${uniqueSlug('repo')}`;
    const added = await ok(['repos', 'add', repo, '--upstream', 'https://ghcr.io', '--default-tag', '4.2.0', '--upstream-user', 'bot', '--upstream-password-env', 'UPSTREAM_PW'], {
      UPSTREAM_PW: 'ghp_cliUpstreamSecret',
    });
    expect(added.stdout).toBe(`Registered ${repo} → https://ghcr.io/${repo} (upstream credential stored encrypted)\n`);
    const stored = await prisma.repository.findUniqueOrThrow({ where: { name: repo }, omit: { upstreamSecretEnc: false } });
    expect(openUpstreamSecret(stored.id, stored.upstreamSecretEnc!)).toBe('ghp_cliUpstreamSecret');

    const list = await ok(['repos', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: repo, upstreamUsername: 'bot', hasUpstreamSecret: true })]));
    expect(list.stdout).not.toContain('ghp_cliUpstreamSecret');
    expect(list.stdout).not.toContain(stored.upstreamSecretEnc!);
    expect((await ok(['repos', 'list'])).stdout).toContain(repo);
  });

  it('add --chart-of registers the image\'s Helm chart; --default-tag is required and never latest', async () => {
    const image = `vendor/${uniqueSlug('img')}`;
    await ok(['repos', 'add', image, '--upstream', 'https://ghcr.io', '--default-tag', '4.2.0']);
    const added = await ok(['repos', 'add', `${image}-chart`, '--upstream', 'https://ghcr.io', '--default-tag', '1.8.0', '--chart-of', image]);
    expect(added.stdout).toBe(`Registered ${image}-chart → https://ghcr.io/${image}-chart as the Helm chart of ${image}\n`);
    expect(JSON.parse((await ok(['repos', 'list', '--json'])).stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: `${image}-chart`, kind: 'chart', chartOf: image, defaultTag: '1.8.0' })]));
    await fails(['repos', 'add', `${image}-x`, '--upstream', 'https://ghcr.io', '--default-tag', 'latest'], 1, /defaultTag: Pin a version/);
    await fails(['repos', 'add', `${image}-y`, '--upstream', 'https://ghcr.io'], 2);
  });

  it('refuses bad input', async () => {
    const repo = `vendor/${uniqueSlug('bad')}`;
    await fails(['repos', 'add', repo, '--upstream', 'https://ghcr.io', '--default-tag', '4.2.0', '--upstream-password-env', 'UNSET_VAR_FOR_TEST'], 1, 'portcullis: Environment variable UNSET_VAR_FOR_TEST is empty or unset.\n');
    await fails(['repos', 'add', 'Not Valid', '--upstream', 'https://ghcr.io', '--default-tag', '4.2.0'], 1, /name: Use lowercase letters/);
    await fails(['repos', 'add', repo, '--upstream', 'nope', '--default-tag', '4.2.0'], 1, /upstreamUrl: Enter a full URL/);
    await fails(['repos', 'add', repo], 2);
    expect(await prisma.repository.count({ where: { name: repo } })).toBe(0);
  });
});

describe('portcullis tokens', () => {
  it('create prints the token once, alone on the last line; list, rotate and revoke it', async () => {
    const { slug, repo } = await onboarded();
    const created = await ok(['tokens', 'create', slug, '--repo', repo, '--expires-days', '30', '--name', 'prod cluster']);
    const token = created.lastLine;
    expect(isWellFormedToken(token)).toBe(true);
    expect(created.stdout.split('\n').filter((line) => line.includes(token))).toEqual([token]);
    const verified = await verifyRegistryCredentials(prisma, slug, token);
    expect(verified).toMatchObject({ ok: true, token: { repositories: [repo] } });
    const tokenId = verified.ok ? verified.token.tokenId : '';

    const listed = JSON.parse((await ok(['tokens', 'list', slug, '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ id: tokenId, name: 'prod cluster', prefix: token.slice(0, 12), status: 'expiring', customer: slug, scopes: [repo] })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    const all = JSON.parse((await ok(['tokens', 'list', '--json'])).stdout);
    expect(all.some((row: { id: string }) => row.id === tokenId)).toBe(true);

    const rotated = await ok(['tokens', 'rotate', tokenId, '--overlap-hours', '2']);
    const successor = rotated.lastLine;
    expect(isWellFormedToken(successor)).toBe(true);
    expect(successor).not.toBe(token);
    expect((await verifyRegistryCredentials(prisma, slug, token)).ok).toBe(true);
    expect((await verifyRegistryCredentials(prisma, slug, successor)).ok).toBe(true);
    const afterRotation = JSON.parse((await ok(['tokens', 'list', slug, '--json'])).stdout);
    expect(afterRotation.find((row: { id: string }) => row.id === tokenId).status).toBe('rotating');

    expect((await ok(['tokens', 'revoke', tokenId])).stdout).toBe(`Revoked token ${tokenId} (${token.slice(0, 12)}…)\n`);
    expect(await verifyRegistryCredentials(prisma, slug, token)).toMatchObject({ ok: false, reason: 'revoked' });
    expect((await ok(['tokens', 'revoke', tokenId])).stdout).toContain('already revoked');

    expect((await ok(['tokens', 'revoke', '--customer', slug, '--reason', 'offboarding'])).stdout).toMatch(/^Revoked 1 token of /);
    expect(await verifyRegistryCredentials(prisma, slug, successor)).toMatchObject({ ok: false, reason: 'revoked' });
    const actions = (await prisma.auditEvent.findMany({ where: { orgId: verified.ok ? verified.token.orgId : '', action: { startsWith: 'token.' } }, orderBy: { id: 'asc' } })).map((e) => [
      e.action,
      e.actorType,
    ]);
    expect(actions).toEqual([
      ['token.create', 'cli'],
      ['token.rotate', 'cli'],
      ['token.revoke', 'cli'],
      ['token.revoke_all', 'cli'],
    ]);
  });

  it('refuses bad input and mints nothing', async () => {
    const { slug, repo } = await onboarded();
    const other = `vendor/${uniqueSlug('other')}`;
    await ok(['repos', 'add', other, '--upstream', 'https://ghcr.io', '--default-tag', '4.2.0']);
    await fails(['tokens', 'create', slug, '--repo', other], 1, /may not pull every chosen repository/);
    await fails(['tokens', 'create', `nobody-${slug}`, '--repo', repo], 1, /No customer with the slug or name/);
    await fails(['tokens', 'create', slug, '--repo', repo, '--expires-days', '0'], 1, /The expiry must be in the future/);
    await fails(['tokens', 'create', slug, '--repo', repo, '--expires-days', 'soon'], 1, 'portcullis: --expires-days must be a whole number, got "soon".\n');
    await fails(['tokens', 'create', slug, '--repo', repo, '--expires-days', '100000'], 1, /Tokens can live at most \d+ days/);
    await fails(['tokens', 'create', slug, '--repo', repo, '--name', 'x'.repeat(65)], 1, /at most 64/);
    await fails(['tokens', 'create', slug], 2, /--repo/);
    await fails(['tokens', 'revoke'], 2, /either a token id or --customer/);
    await fails(['tokens', 'revoke', 'some-id', '--customer', slug], 2);
    await fails(['tokens', 'revoke', 'no-such-token'], 1, 'portcullis: Token not found\n');
    await fails(['tokens', 'rotate', 'no-such-token'], 1, 'portcullis: Token not found\n');
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    expect(await prisma.registryToken.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('portcullis instructions', () => {
  it('prints the Markdown with a placeholder, or with one of the customer\'s tokens', async () => {
    const { slug, repo } = await onboarded();
    const plain = await ok(['instructions', slug]);
    expect(plain.stdout).toMatch(/^# Install /);
    expect(plain.stdout).toContain(`--docker-username=${slug}`);
    expect(plain.stdout).toContain('--docker-password=YOUR_REGISTRY_TOKEN');
    expect(plain.stdout).toContain(repo);

    const token = (await ok(['tokens', 'create', slug, '--repo', repo])).lastLine;
    expect((await ok(['instructions', slug, '--token', token])).stdout).toContain(`--docker-password=${token}`);
    const stranger = await onboarded();
    await fails(['instructions', stranger.slug, '--token', token], 1, /That token is not one of .*'s tokens\./);
    await fails(['instructions', `nobody-${slug}`], 1, /No customer/);
    await fails(['instructions'], 2);

    const org = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    const item = await prisma.onboardingItem.findUniqueOrThrow({ where: { orgId_key: { orgId: org.id, key: 'instructions_delivered' } } });
    expect(item.doneBy).toMatch(/^cli:/);
  });

  it('quota sets the customer\'s own limits, audited with the reason; bad input changes nothing', async () => {
    const { slug } = await onboarded();
    await fails(['customers', 'quota', slug, '--pulls', 'lots', '--reason', 'typo'], 1);
    await fails(['customers', 'quota', slug, '--pulls', '2000'], 2);
    await ok(['customers', 'quota', slug, '--pulls', '2000', '--seats', 'unlimited', '--warn-percent', '90', '--reason', 'contract 12']);
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    expect(org).toMatchObject({ quotaLimits: { pulls_per_month: 2000, seats: null }, quotaWarningThreshold: 0.9 });
    const event = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'quota.update' } });
    expect(event).toMatchObject({ actorLabel: expect.stringMatching(/^cli:/), metadata: { reason: 'contract 12' } });
  });
});
