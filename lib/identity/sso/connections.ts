import 'server-only';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { OIDCSSORecord, SAMLSSORecord } from '@boxyhq/saml-jackson';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { requirePortalFeature } from '@/lib/plans/portal-gate';
import { log } from '@/lib/platform/log';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { callbackUrl, getJackson, JACKSON_PRODUCT } from './jackson';
import { fetchDiscovery } from './oidc';
import { samlMetadataXml } from './saml-metadata';
import {
  oidcConnectionSchema,
  samlConnectionSchema,
  updateOidcConnectionSchema,
  updateSamlConnectionSchema,
  type OidcConnectionInput,
  type SamlConnectionInput,
} from './schemas';

/**
 * SSO connections of an organization. Jackson holds the protocol details
 * (IdP metadata, OIDC client secret, encrypted in its store); the
 * `sso_connections` row ties a Jackson client id to the org and is what
 * Portcullis lists, audits and authorizes against.
 */

export type SsoProtocol = 'saml' | 'oidc';

export interface SsoConnectionView {
  id: string;
  orgId: string;
  protocol: SsoProtocol;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  /** What the IdP side looks like, from Jackson's record; null if Jackson lost it. */
  idp: {
    entityId?: string;
    ssoUrl?: string;
    provider?: string;
    certificateValidTo?: string;
    metadataUrl?: string;
    discoveryUrl?: string;
    clientId?: string;
  } | null;
}

/** Domains, policy, group mappings; testing a connection. */
export const MANAGE = { org: 'sso.manage', staff: 'sso.manage' } as const;
/** Adding, editing, removing a connection: an owner's power by default (see lib/identity/rbac/permissions.ts). */
export const MANAGE_CONNECTIONS = { org: 'sso.connections', staff: 'sso.manage' } as const;
export const VIEW = { org: 'sso.manage', staff: 'customers.view' } as const;

export type JacksonRecord = SAMLSSORecord | OIDCSSORecord;

function isSaml(record: JacksonRecord): record is SAMLSSORecord {
  return 'idpMetadata' in record && !!record.idpMetadata;
}

export function idpView(record: JacksonRecord | undefined, metadataUrl?: string | null): SsoConnectionView['idp'] {
  if (!record) return null;
  if (isSaml(record)) {
    return {
      entityId: record.idpMetadata.entityID,
      ssoUrl: record.idpMetadata.sso.redirectUrl ?? record.idpMetadata.sso.postUrl,
      provider: record.idpMetadata.friendlyProviderName ?? record.idpMetadata.provider,
      certificateValidTo: record.idpMetadata.validTo,
      // Connections from before metadata URLs were fetched here have theirs in Jackson's record.
      metadataUrl: metadataUrl ?? record.metadataUrl,
    };
  }
  return {
    provider: record.oidcProvider.friendlyProviderName ?? record.oidcProvider.provider,
    discoveryUrl: record.oidcProvider.discoveryUrl,
    clientId: record.oidcProvider.clientId,
  };
}

/**
 * Jackson reports bad metadata, unreachable URLs and the like as errors with
 * a readable message (JacksonError, or the SAML parser's plain Error);
 * database failures (pg errors carry a severity) are bugs, not bad input.
 */
export function jacksonFailure(error: unknown, field: string): never {
  const candidate = error as { message?: string; severity?: string };
  if (!(error instanceof Error) || candidate.severity) throw error;
  const message =
    candidate.message === 'EntityID already exists for different tenant'
      ? 'This identity provider (its entity ID) is already connected to another organization.'
      : `The identity provider configuration was refused: ${candidate.message}`;
  throw ValidationError.field(field, message);
}

export async function jacksonRecord(clientID: string): Promise<JacksonRecord | undefined> {
  const jackson = await getJackson();
  const records = await jackson.connectionAPIController.getConnections({ clientID });
  return records[0];
}

/** An org's connections with their IdP side. The caller has authorized VIEW on `orgId`. */
export async function ssoConnectionViews(orgId: string): Promise<SsoConnectionView[]> {
  const rows = await prisma.ssoConnection.findMany({ where: { orgId }, orderBy: { createdAt: 'asc' } });
  if (rows.length === 0) return [];
  const jackson = await getJackson();
  const records = await jackson.connectionAPIController.getConnections({ tenant: orgId, product: JACKSON_PRODUCT });
  const byClientId = new Map(records.map((record) => [record.clientID, record]));
  return rows.map((row) => ({
    id: row.id,
    orgId: row.orgId,
    protocol: row.protocol as SsoProtocol,
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    idp: idpView(byClientId.get(row.jacksonClientId), row.metadataUrl),
  }));
}

/** A connection of this org (found by a scoped query), or 404. */
async function findConnection(orgId: string, connectionId: string) {
  const row = await prisma.ssoConnection.findFirst({ where: { id: connectionId, orgId } });
  if (!row) throw new NotFoundError('SSO connection not found');
  return row;
}

function redirectUrls() {
  return { defaultRedirectUrl: callbackUrl(), redirectUrl: [callbackUrl()] };
}

/** Where a connection lives in Jackson: a customer's (tenant = org id) or the vendor's staff one (lib/identity/sso/staff). */
export interface JacksonTenant {
  tenant: string;
  product: string;
}

/** Removes a Jackson record after its Portcullis row is gone (or never came); a failure only leaves an unreachable record. */
export async function removeJacksonRecord(record: JacksonRecord, why: string): Promise<void> {
  const jackson = await getJackson();
  await jackson.connectionAPIController
    .deleteConnections({ clientID: record.clientID, clientSecret: record.clientSecret })
    .catch((error: unknown) => log.error({ err: error }, why));
}

/**
 * The Jackson side of a new SAML connection, with the checks every SAML connection gets: metadata
 * fetched through the outbound guard (or pasted), its URLs checked, the same IdP refused twice.
 */
export async function createJacksonSaml(target: JacksonTenant, input: z.output<typeof samlConnectionSchema>): Promise<{ record: SAMLSSORecord; metadataUrl: string | null }> {
  const { xml, field } = await samlMetadataXml(input);
  const jackson = await getJackson();
  const existing = await jackson.connectionAPIController.getConnections(target).catch(() => []);
  let record: SAMLSSORecord;
  try {
    // Only ever the XML: given a metadataUrl, Jackson would fetch it itself (any address, following redirects).
    record = await jackson.connectionAPIController.createSAMLConnection({ ...target, name: input.name, rawMetadata: xml, ...redirectUrls() });
  } catch (error) {
    jacksonFailure(error, field);
  }
  // Jackson silently updates a connection with the same IdP entity ID in the same tenant.
  if (existing.some((connection) => connection.clientID === record.clientID)) {
    throw ValidationError.field(field, 'This identity provider is already connected here.');
  }
  return { record, metadataUrl: input.metadataUrl ?? null };
}

/** The Jackson side of a new OIDC connection: discovery fetched through the outbound guard and every endpoint checked. */
export async function createJacksonOidc(target: JacksonTenant, input: z.output<typeof oidcConnectionSchema>): Promise<OIDCSSORecord> {
  // Fetched through the outbound guard; Jackson only stores the URL (lib/identity/sso/oidc.ts runs the sign-in).
  await fetchDiscovery(input.discoveryUrl);
  const jackson = await getJackson();
  const existing = await jackson.connectionAPIController.getConnections(target).catch(() => []);
  let record: OIDCSSORecord;
  try {
    record = await jackson.connectionAPIController.createOIDCConnection({
      ...target,
      name: input.name,
      oidcDiscoveryUrl: input.discoveryUrl,
      oidcClientId: input.clientId,
      oidcClientSecret: input.clientSecret,
      ...redirectUrls(),
    });
  } catch (error) {
    jacksonFailure(error, 'discoveryUrl');
  }
  if (existing.some((connection) => connection.clientID === record.clientID)) {
    throw ValidationError.field('clientId', 'This OIDC client is already connected here.');
  }
  return record;
}

/** Edits the Jackson side of a connection (same validation as creating one); answers the new name, record and metadata URL. */
export async function updateJacksonConnection(
  target: JacksonTenant,
  protocol: string,
  current: JacksonRecord,
  currentMetadataUrl: string | null,
  raw: Record<string, unknown>,
): Promise<{ name: string; updated: JacksonRecord; metadataUrl: string | null }> {
  const jackson = await getJackson();
  const base = { ...target, clientID: current.clientID, clientSecret: current.clientSecret, ...redirectUrls() };
  let metadataUrl = currentMetadataUrl;
  if (protocol === 'saml') {
    const input = updateSamlConnectionSchema.parse(raw);
    const metadata = input.metadataXml || input.metadataUrl ? await samlMetadataXml(input) : null;
    if (metadata) metadataUrl = input.metadataUrl ?? null;
    try {
      const updated = await jackson.connectionAPIController.updateSAMLConnection({ ...base, name: input.name, ...(metadata ? { rawMetadata: metadata.xml } : {}) });
      return { name: input.name, updated: updated ?? current, metadataUrl };
    } catch (error) {
      jacksonFailure(error, metadata?.field ?? 'metadataXml');
    }
  }
  const input = updateOidcConnectionSchema.parse(raw);
  await fetchDiscovery(input.discoveryUrl);
  try {
    const updated = await jackson.connectionAPIController.updateOIDCConnection({
      ...base,
      name: input.name,
      oidcDiscoveryUrl: input.discoveryUrl,
      oidcClientId: input.clientId,
      ...(input.clientSecret ? { oidcClientSecret: input.clientSecret } : {}),
    });
    return { name: input.name, updated: updated ?? current, metadataUrl };
  } catch (error) {
    jacksonFailure(error, 'discoveryUrl');
  }
}

/** Writes the Portcullis row and audit event; undoes the Jackson side if that fails. */
async function recordNewConnection(actor: Actor, orgId: string, id: string, protocol: SsoProtocol, name: string, record: JacksonRecord, metadataUrl: string | null = null) {
  try {
    return await prisma.$transaction(async (tx) => {
      const existing = await tx.ssoConnection.findUnique({ where: { jacksonClientId: record.clientID } });
      if (existing) throw new ConflictError('This identity provider is already connected to this organization.', protocol === 'saml' ? 'metadataXml' : 'discoveryUrl');
      const row = await tx.ssoConnection.create({ data: { id, orgId, protocol, name, jacksonClientId: record.clientID, metadataUrl } });
      await recordAudit(tx, actor, {
        action: 'sso.connection_create',
        target: { type: 'sso_connection', id: row.id },
        orgId,
        after: { name, protocol, idp: idpView(record, metadataUrl) },
      });
      return row;
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) await removeJacksonRecord(record, 'could not remove an orphaned Jackson connection');
    throw error;
  }
}

const orgTenant = (orgId: string): JacksonTenant => ({ tenant: orgId, product: JACKSON_PRODUCT });

export async function createSamlConnection(actor: Actor, orgId: string, raw: SamlConnectionInput) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE_CONNECTIONS);
  await requirePortalFeature(prisma, access, 'sso');
  const { org } = access;
  const input = samlConnectionSchema.parse(raw);
  const { record, metadataUrl } = await createJacksonSaml(orgTenant(org.id), input);
  return recordNewConnection(actor, org.id, randomUUID(), 'saml', input.name, record, metadataUrl);
}

export async function createOidcConnection(actor: Actor, orgId: string, raw: OidcConnectionInput) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE_CONNECTIONS);
  await requirePortalFeature(prisma, access, 'sso');
  const { org } = access;
  const input = oidcConnectionSchema.parse(raw);
  const record = await createJacksonOidc(orgTenant(org.id), input);
  return recordNewConnection(actor, org.id, randomUUID(), 'oidc', input.name, record);
}

export async function updateSsoConnection(actor: Actor, orgId: string, connectionId: string, raw: Record<string, unknown>) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE_CONNECTIONS);
  await requirePortalFeature(prisma, access, 'sso');
  const { org } = access;
  const row = await findConnection(org.id, connectionId);
  const current = await jacksonRecord(row.jacksonClientId);
  if (!current) throw new NotFoundError('The identity provider settings of this connection are missing; remove it and add it again.');
  const { name, updated, metadataUrl } = await updateJacksonConnection(orgTenant(org.id), row.protocol, current, row.metadataUrl, raw);
  return prisma.$transaction(async (tx) => {
    const saved = await tx.ssoConnection.update({ where: { id: row.id }, data: { name, metadataUrl } });
    await recordAudit(tx, actor, {
      action: 'sso.connection_update',
      target: { type: 'sso_connection', id: row.id },
      orgId: org.id,
      before: { name: row.name, idp: idpView(current, row.metadataUrl) },
      after: { name, idp: idpView(updated, metadataUrl) },
    });
    return saved;
  });
}

export async function deleteSsoConnection(actor: Actor, orgId: string, connectionId: string) {
  const { org } = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE_CONNECTIONS);
  const row = await findConnection(org.id, connectionId);
  const current = await jacksonRecord(row.jacksonClientId);
  await prisma.$transaction(async (tx) => {
    await tx.ssoConnection.delete({ where: { id: row.id } });
    await recordAudit(tx, actor, {
      action: 'sso.connection_delete',
      target: { type: 'sso_connection', id: row.id },
      orgId: org.id,
      before: { name: row.name, protocol: row.protocol, idp: idpView(current, row.metadataUrl) },
    });
  });
  // After the commit: a failure here leaves an unreachable Jackson record (no row points at it), never a live login path.
  if (current) await removeJacksonRecord(current, 'could not remove a Jackson connection');
}
