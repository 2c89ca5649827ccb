import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/identity/auth/password';
import { prisma } from '@/lib/platform/db/client';
import { runCli } from '@/dev/testing/cli';
import { uniqueSlug } from '@/dev/testing/factories';

describe('portcullis staff', () => {
  it('creates a staff account from a password in the environment, audited as the OS user', async () => {
    const email = `${uniqueSlug('ops')}@vendor.test`;
    const result = await runCli(['staff', 'create', email, '--role', 'staff-support', '--name', 'Ops', '--password-env', 'NEW_STAFF_PW'], {
      NEW_STAFF_PW: 'a long enough password',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`Created staff-support ${email}`);
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(await verifyPassword('a long enough password', user.passwordHash!)).toBe(true);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'staff.create', targetId: user.id } });
    expect(event.actorType).toBe('cli');
    expect(event.actorLabel).toMatch(/^cli:/);
    expect(JSON.stringify(event.after)).not.toContain('scrypt');

    const list = await runCli(['staff', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ email, staffRole: 'staff-support' })]));
  });

  it('exits 1 with a one-line reason and writes nothing on bad input', async () => {
    const email = `${uniqueSlug('dup')}@vendor.test`;
    const env = { PW: 'a long enough password' };
    expect((await runCli(['staff', 'create', email, '--role', 'staff-admin', '--password-env', 'PW'], env)).code).toBe(0);
    const duplicate = await runCli(['staff', 'create', email, '--role', 'staff-admin', '--password-env', 'PW'], env);
    expect(duplicate).toMatchObject({ code: 1, stderr: `portcullis: A user with the email ${email} already exists.\n` });

    const badRole = await runCli(['staff', 'create', `${uniqueSlug('x')}@vendor.test`, '--role', 'emperor', '--password-env', 'PW'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/^portcullis: role: /);
    const shortPassword = await runCli(['staff', 'create', `${uniqueSlug('x')}@vendor.test`, '--role', 'staff-admin', '--password-env', 'PW'], { PW: 'short' });
    expect(shortPassword.stderr).toBe('portcullis: password: Use at least 12 characters.\n');
    const commonPassword = await runCli(['staff', 'create', `${uniqueSlug('x')}@vendor.test`, '--role', 'staff-admin', '--password-env', 'PW'], { PW: '123456789012' });
    expect(commonPassword).toMatchObject({ code: 1, stderr: 'portcullis: This is one of the most common passwords. A few unrelated words make a strong password.\n' });
    const noPassword = await runCli(['staff', 'create', `${uniqueSlug('x')}@vendor.test`, '--role', 'staff-admin', '--password-env', 'UNSET_VAR_X']);
    expect(noPassword).toMatchObject({ code: 1, stderr: 'portcullis: Environment variable UNSET_VAR_X is empty or unset.\n' });
    expect(await prisma.user.count({ where: { email: { contains: 'x-' }, staffRole: 'emperor' } })).toBe(0);
  });

  it('deactivates and reactivates a staff account by email', async () => {
    const email = `${uniqueSlug('leaver')}@vendor.test`;
    expect((await runCli(['staff', 'create', email, '--role', 'staff-support', '--password-env', 'PW'], { PW: 'a long enough password' })).code).toBe(0);
    expect(await runCli(['staff', 'deactivate', email])).toMatchObject({ code: 0, stdout: `Deactivated ${email}; 0 sessions ended\n` });
    expect((await prisma.user.findUniqueOrThrow({ where: { email } })).disabledAt).not.toBeNull();
    expect(await runCli(['staff', 'deactivate', email])).toMatchObject({ code: 1, stderr: `portcullis: ${email} is already deactivated.\n` });
    expect(await runCli(['staff', 'reactivate', email])).toMatchObject({ code: 0, stdout: `Reactivated ${email}\n` });
    expect((await prisma.user.findUniqueOrThrow({ where: { email } })).disabledAt).toBeNull();
    const events = await prisma.auditEvent.findMany({ where: { actorLabel: { startsWith: 'cli:' }, action: { in: ['staff.deactivate', 'staff.reactivate'] }, after: { path: ['email'], equals: email } } });
    expect(events.map((e) => e.action).sort()).toEqual(['staff.deactivate', 'staff.reactivate']);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['staff', 'create'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
    expect((await runCli([])).code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: portcullis');
  });

  it('runs as `npx portcullis` from the repository', async () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'portcullis', '--help'], { cwd: root });
    expect(stdout).toContain('staff');
  });
});
