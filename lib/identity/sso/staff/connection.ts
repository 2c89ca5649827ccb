import 'server-only';
import { randomUUID } from 'node:crypto';
import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor, type Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db, type StaffSsoConnection } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import {
  createJacksonOidc,
  createJacksonSaml,
  idpView,
  jacksonRecord,
  removeJacksonRecord,
  updateJacksonConnection,
  type JacksonRecord,
  type JacksonTenant,
  type SsoConnectionView,
} from '../connections';
import { STAFF_PRODUCT, STAFF_TENANT } from '../jackson';
import { oidcConnectionSchema, samlConnectionSchema, type OidcConnectionInput, type SamlConnectionInput } from '../schemas';
import type { z } from 'zod';
import { setStaffSsoRequired, staffSsoPolicy, type staffSsoRequiredSchema } from './policy';
import { envFingerprint, staffSsoEnvConfig, staffSsoFromEnv, StaffSsoEnvError, type StaffSsoEnvConfig } from './env';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * The vendor's staff SSO connection: at most one, in the same embedded Jackson as every customer's
 * but under its own tenant and product (`_staff` / `portcullis-staff`), with the same checks
 * (metadata and discovery through the outbound guard, every IdP URL checked, lib/identity/sso/oidc.ts and
 * saml-response.ts at sign-in). A staff-admin (`staff.manage`) configures it on /admin/settings, or
 * the STAFF_SSO_* variables do (./env.ts), which then win and make it read-only.
 */

export const STAFF_JACKSON: JacksonTenant = { tenant: STAFF_TENANT, product: STAFF_PRODUCT };
/** Only staff-admins hold it: configuring the IdP that can sign anyone in as staff. */
export const CONFIGURE_STAFF_SSO = 'staff.manage' as const;
const ENV_ACTOR = 'staff-sso-env';
const LOCK = 'staff_sso_connection';

export interface StaffSsoConnectionView {
  id: string;
  protocol: 'saml' | 'oidc';
  name: string;
  source: 'settings' | 'env';
  lastSignInAt: Date | null;
  idp: SsoConnectionView['idp'];
}

async function lock(tx: Db) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK}))`;
}

function envManagedError(): ValidationError {
  return ValidationError.field('name', 'Staff SSO is configured by environment variables (STAFF_SSO_*): change them where the server is deployed.');
}

/** The connection as the settings page shows it (the caller authorized). */
export async function staffConnectionView(row: StaffSsoConnection | null): Promise<StaffSsoConnectionView | null> {
  if (!row) return null;
  const record = await jacksonRecord(row.jacksonClientId);
  return {
    id: row.id,
    protocol: row.protocol === 'oidc' ? 'oidc' : 'saml',
    name: row.name,
    source: row.source === 'env' ? 'env' : 'settings',
    lastSignInAt: row.lastSignInAt,
    idp: idpView(record, row.metadataUrl),
  };
}

/** Writes the row (replacing `replacing`, if any) and its audit event; undoes the Jackson side if that fails. */
async function saveNew(
  actor: Actor,
  protocol: 'saml' | 'oidc',
  name: string,
  record: JacksonRecord,
  options: { metadataUrl?: string | null; source: 'settings' | 'env'; fingerprint?: string; replacing?: StaffSsoConnection | null },
): Promise<StaffSsoConnection> {
  try {
    return await prisma.$transaction(async (tx) => {
      await lock(tx);
      const existing = await tx.staffSsoConnection.findFirst();
      if (existing && existing.id !== options.replacing?.id) throw new ConflictError('There is already a staff SSO connection: edit or remove it.', 'name');
      if (existing) await tx.staffSsoConnection.delete({ where: { id: existing.id } });
      const row = await tx.staffSsoConnection.create({
        data: { id: randomUUID(), protocol, name, jacksonClientId: record.clientID, metadataUrl: options.metadataUrl ?? null, source: options.source, envFingerprint: options.fingerprint ?? null },
      });
      await recordAudit(tx, actor, {
        action: 'staff_sso.connection_create',
        target: { type: 'staff_sso_connection', id: row.id },
        after: { name, protocol, source: options.source, idp: idpView(record, row.metadataUrl) },
        ...(existing ? { before: { id: existing.id, name: existing.name, protocol: existing.protocol, source: existing.source } } : {}),
      });
      return row;
    });
  } catch (error) {
    if (record.clientID !== options.replacing?.jacksonClientId) await removeJacksonRecord(record, 'could not remove an orphaned staff Jackson connection');
    throw error;
  }
}

async function createFrom(actor: Actor, config: StaffSsoEnvConfig, options: { source: 'settings' | 'env'; fingerprint?: string; replacing?: StaffSsoConnection | null }) {
  if (config.protocol === 'saml') {
    const { record, metadataUrl } = await createJacksonSaml(STAFF_JACKSON, config.input);
    return saveNew(actor, 'saml', config.input.name, record, { ...options, metadataUrl });
  }
  const record = await createJacksonOidc(STAFF_JACKSON, config.input);
  return saveNew(actor, 'oidc', config.input.name, record, options);
}

async function assertSettingsManaged(): Promise<void> {
  if (staffSsoFromEnv()) throw envManagedError();
}

async function assertNoConnection(): Promise<void> {
  if (await prisma.staffSsoConnection.findFirst({ select: { id: true } })) throw new ConflictError('There is already a staff SSO connection: edit or remove it.', 'name');
}

export async function createStaffSamlConnection(actor: Actor, raw: SamlConnectionInput) {
  assertStaffPermission(actor, CONFIGURE_STAFF_SSO);
  await assertSettingsManaged();
  const input = samlConnectionSchema.parse(raw);
  await assertNoConnection();
  return createFrom(actor, { protocol: 'saml', input }, { source: 'settings' });
}

export async function createStaffOidcConnection(actor: Actor, raw: OidcConnectionInput) {
  assertStaffPermission(actor, CONFIGURE_STAFF_SSO);
  await assertSettingsManaged();
  const input = oidcConnectionSchema.parse(raw);
  await assertNoConnection();
  return createFrom(actor, { protocol: 'oidc', input }, { source: 'settings' });
}

/** Edits the connection with the same rules as a customer's (empty secret or metadata keeps the stored one). */
async function update(actor: Actor, row: StaffSsoConnection, raw: Record<string, unknown>, extra: { source?: 'env'; fingerprint?: string } = {}) {
  const current = await jacksonRecord(row.jacksonClientId);
  if (!current) throw new NotFoundError('The identity provider settings of the staff connection are missing; remove it and add it again.');
  const { name, updated, metadataUrl } = await updateJacksonConnection(STAFF_JACKSON, row.protocol, current, row.metadataUrl, raw);
  return prisma.$transaction(async (tx) => {
    const saved = await tx.staffSsoConnection.update({
      where: { id: row.id },
      data: { name, metadataUrl, ...(extra.source ? { source: extra.source, envFingerprint: extra.fingerprint ?? null } : {}) },
    });
    await recordAudit(tx, actor, {
      action: 'staff_sso.connection_update',
      target: { type: 'staff_sso_connection', id: row.id },
      before: { name: row.name, source: row.source, idp: idpView(current, row.metadataUrl) },
      after: { name, source: saved.source, idp: idpView(updated, metadataUrl) },
    });
    return saved;
  });
}

export async function updateStaffSsoConnection(actor: Actor, raw: Record<string, unknown>) {
  assertStaffPermission(actor, CONFIGURE_STAFF_SSO);
  await assertSettingsManaged();
  const row = await prisma.staffSsoConnection.findFirst();
  if (!row) throw new NotFoundError('There is no staff SSO connection to edit.');
  return update(actor, row, raw);
}

async function remove(actor: Actor, row: StaffSsoConnection) {
  const current = await jacksonRecord(row.jacksonClientId);
  await prisma.$transaction(async (tx) => {
    await lock(tx);
    await tx.staffSsoConnection.delete({ where: { id: row.id } });
    await recordAudit(tx, actor, {
      action: 'staff_sso.connection_delete',
      target: { type: 'staff_sso_connection', id: row.id },
      before: { name: row.name, protocol: row.protocol, source: row.source, idp: idpView(current, row.metadataUrl) },
    });
    // Without a connection, requiring SSO would lock every staff member but the break-glass admin out.
    const required = await tx.setting.findUnique({ where: { key: 'staffSso.required' } });
    if (required?.value === true) {
      await tx.setting.update({ where: { key: 'staffSso.required' }, data: { value: false } });
      await recordAudit(tx, actor, { action: 'staff_sso.required_change', target: { type: 'setting', id: 'staffSso.required' }, before: { required: true }, after: { required: false }, metadata: { why: 'connection_deleted' } });
    }
  });
  if (current) await removeJacksonRecord(current, 'could not remove the staff Jackson connection');
}

export async function deleteStaffSsoConnection(actor: Actor) {
  assertStaffPermission(actor, CONFIGURE_STAFF_SSO);
  await assertSettingsManaged();
  const row = await prisma.staffSsoConnection.findFirst();
  if (!row) throw new NotFoundError('There is no staff SSO connection to remove.');
  await remove(actor, row);
}

// ── configuration from the environment ────────────────────────────────────────

const globalForEnv = globalThis as unknown as { __staffSsoEnvSync?: Map<string, Promise<void>> };

/**
 * Brings the stored connection in line with the STAFF_SSO_* variables: builds it (through the same
 * checks as the form) when they are new or changed, and removes an environment connection whose
 * variables are gone. Audited as `system:staff-sso-env`. Once per configuration per process.
 */
export async function syncStaffSsoEnv(source?: EnvSource): Promise<void> {
  const config = staffSsoEnvConfig(source);
  const key = config ? envFingerprint(config) : 'none';
  const syncs = (globalForEnv.__staffSsoEnvSync ??= new Map());
  const databaseUrl = env('DATABASE_URL');
  let pending = syncs.get(`${databaseUrl}|${key}`);
  if (!pending) {
    pending = apply(config, key);
    syncs.set(`${databaseUrl}|${key}`, pending);
    pending.catch(() => syncs.delete(`${databaseUrl}|${key}`));
  }
  return pending;
}

async function apply(config: StaffSsoEnvConfig | null, fingerprint: string): Promise<void> {
  const actor = systemActor(ENV_ACTOR);
  const row = await prisma.staffSsoConnection.findFirst();
  if (!config) {
    if (row?.source === 'env') await remove(actor, row);
    return;
  }
  if (row?.source === 'env' && row.envFingerprint === fingerprint) return;
  log.info({ protocol: config.protocol }, 'staff SSO: applying the STAFF_SSO_* configuration');
  if (row && row.protocol === config.protocol && (await jacksonRecord(row.jacksonClientId))) {
    await update(actor, row, { ...config.input }, { source: 'env', fingerprint });
    return;
  }
  const created = await createFrom(actor, config, { source: 'env', fingerprint, replacing: row });
  if (row && row.jacksonClientId !== created.jacksonClientId) {
    const old = await jacksonRecord(row.jacksonClientId);
    if (old) await removeJacksonRecord(old, 'could not remove the replaced staff Jackson connection');
  }
}

/** The connection staff sign in through (the environment's applied first), or null when there is none. */
export async function staffSsoConnection(): Promise<StaffSsoConnection | null> {
  try {
    await syncStaffSsoEnv();
  } catch (error) {
    // A broken environment configuration must not fall back to a stale connection.
    log.error({ err: error }, 'staff SSO: the STAFF_SSO_* configuration could not be applied');
    throw error;
  }
  return prisma.staffSsoConnection.findFirst();
}

/** What went wrong applying the environment's configuration, for the settings page (null when nothing did). */
export async function staffSsoEnvProblem(): Promise<string | null> {
  try {
    await syncStaffSsoEnv();
    return null;
  } catch (error) {
    if (error instanceof StaffSsoEnvError) return error.message;
    if (error instanceof ValidationError) return `${error.message} ${Object.values(error.fieldErrors).flat().join(' ')}`.trim();
    log.error({ err: error }, 'staff SSO: the STAFF_SSO_* configuration could not be applied');
    return 'The STAFF_SSO_* configuration could not be applied; see the server log.';
  }
}

/** Whether the sign-in page offers staff SSO (no IdP is contacted). */
export async function staffSsoOffered(): Promise<boolean> {
  if (staffSsoFromEnv()) return true;
  return (await prisma.staffSsoConnection.count()) > 0;
}

/** Why requiring SSO for staff would be unsafe now, or null: the connection must exist, be whole, and have signed a staff member in. */
export async function workingStaffConnectionProblem(): Promise<string | null> {
  let row: StaffSsoConnection | null;
  try {
    row = await staffSsoConnection();
  } catch {
    return 'The STAFF_SSO_* configuration could not be applied; fix it before requiring SSO for staff.';
  }
  if (!row) return 'Add a staff SSO connection before requiring it.';
  if (!(await jacksonRecord(row.jacksonClientId))) return 'The staff connection’s identity provider settings are missing; remove it and add it again.';
  if (!row.lastSignInAt) return 'Sign in once through the staff connection (“Sign in with your company SSO (staff)”) to prove it works, then require it.';
  return null;
}

/** Turns "SSO required for staff" on (only with a working connection) or off. */
export function requireStaffSso(actor: Actor, raw: z.input<typeof staffSsoRequiredSchema>) {
  return setStaffSsoRequired(actor, raw, workingStaffConnectionProblem);
}

/** Everything the "Staff sign-in" section of /admin/settings shows; staff-admins only. */
export async function loadStaffSignInSettings(actor: Actor) {
  assertStaffPermission(actor, CONFIGURE_STAFF_SSO);
  const fromEnv = staffSsoFromEnv();
  const envProblem = fromEnv ? await staffSsoEnvProblem() : null;
  const [row, policy, groupRoles, admins] = await Promise.all([
    prisma.staffSsoConnection.findFirst(),
    staffSsoPolicy(),
    prisma.staffSsoGroupRole.findMany({ orderBy: { groupName: 'asc' } }),
    prisma.user.findMany({ where: { staffRole: 'staff-admin', disabledAt: null }, select: { id: true, email: true }, orderBy: { email: 'asc' } }),
  ]);
  const connection = await staffConnectionView(row);
  return {
    fromEnv,
    envProblem,
    connection: connection ? { ...connection, lastSignInAt: connection.lastSignInAt?.toISOString() ?? null } : null,
    required: policy.required,
    breakGlass: admins.find((admin) => admin.id === policy.breakGlassUserId) ?? null,
    admins: admins.map((admin) => admin.email),
    groupRoles: groupRoles.map((g) => ({ id: g.id, groupName: g.groupName, staffRole: g.staffRole })),
  };
}

export type StaffSignInSettings = Awaited<ReturnType<typeof loadStaffSignInSettings>>;
