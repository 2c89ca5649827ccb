import 'server-only';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { env, type EnvSource } from '@/lib/platform/config/env';
import { derivedSecret } from '../jackson';
import { oidcConnectionSchema, samlConnectionSchema } from '../schemas';

/**
 * Staff SSO from environment variables (README, "Environment variables"). One connection, SAML or
 * OIDC, validated by the same schemas as the form (and, when it is built, by the same metadata and
 * discovery checks). While any STAFF_SSO_* protocol variable is set, the connection is the
 * environment's: the settings page shows it read-only.
 */

export type StaffSsoEnvConfig =
  | { protocol: 'saml'; input: z.output<typeof samlConnectionSchema> }
  | { protocol: 'oidc'; input: z.output<typeof oidcConnectionSchema> };

const PROTOCOL_VARIABLES = ['STAFF_SSO_SAML_METADATA_URL', 'STAFF_SSO_SAML_METADATA_FILE', 'STAFF_SSO_OIDC_DISCOVERY_URL', 'STAFF_SSO_OIDC_CLIENT_ID', 'STAFF_SSO_OIDC_CLIENT_SECRET'] as const;

export class StaffSsoEnvError extends Error {}

type ProtocolVariable = (typeof PROTOCOL_VARIABLES)[number];

const set = (source: EnvSource | undefined, name: ProtocolVariable) => !!env(name, source)?.trim();

/** Whether the environment (or `source`, in tests) configures staff SSO (even wrongly). */
export function staffSsoFromEnv(source?: EnvSource): boolean {
  return PROTOCOL_VARIABLES.some((name) => set(source, name));
}

function problems(error: z.ZodError, names: Record<string, string>): string {
  return error.issues.map((issue) => `${names[String(issue.path[0])] ?? 'STAFF_SSO'}: ${issue.message}`).join(' ');
}

/** The configuration the environment gives, or null when it gives none; a StaffSsoEnvError names what is wrong. */
export function staffSsoEnvConfig(source?: EnvSource): StaffSsoEnvConfig | null {
  if (!staffSsoFromEnv(source)) return null;
  const name = env('STAFF_SSO_NAME', source)?.trim() || 'Company SSO';
  const saml = set(source, 'STAFF_SSO_SAML_METADATA_URL') || set(source, 'STAFF_SSO_SAML_METADATA_FILE');
  const oidc = (['STAFF_SSO_OIDC_DISCOVERY_URL', 'STAFF_SSO_OIDC_CLIENT_ID', 'STAFF_SSO_OIDC_CLIENT_SECRET'] as const).some((n) => set(source, n));
  if (saml && oidc) throw new StaffSsoEnvError('Set either the STAFF_SSO_SAML_* or the STAFF_SSO_OIDC_* variables, not both.');
  if (saml) {
    let metadataXml: string | undefined;
    if (set(source, 'STAFF_SSO_SAML_METADATA_FILE')) {
      try {
        metadataXml = readFileSync(env('STAFF_SSO_SAML_METADATA_FILE', source)!.trim(), 'utf8');
      } catch {
        throw new StaffSsoEnvError('STAFF_SSO_SAML_METADATA_FILE: the file cannot be read.');
      }
    }
    const parsed = samlConnectionSchema.safeParse({ name, metadataUrl: env('STAFF_SSO_SAML_METADATA_URL', source), metadataXml });
    if (!parsed.success) {
      throw new StaffSsoEnvError(problems(parsed.error, { name: 'STAFF_SSO_NAME', metadataUrl: 'STAFF_SSO_SAML_METADATA_URL', metadataXml: 'STAFF_SSO_SAML_METADATA_FILE' }));
    }
    return { protocol: 'saml', input: parsed.data };
  }
  const parsed = oidcConnectionSchema.safeParse({
    name,
    discoveryUrl: env('STAFF_SSO_OIDC_DISCOVERY_URL', source) ?? '',
    clientId: env('STAFF_SSO_OIDC_CLIENT_ID', source) ?? '',
    clientSecret: env('STAFF_SSO_OIDC_CLIENT_SECRET', source) ?? '',
  });
  if (!parsed.success) {
    throw new StaffSsoEnvError(
      problems(parsed.error, { name: 'STAFF_SSO_NAME', discoveryUrl: 'STAFF_SSO_OIDC_DISCOVERY_URL', clientId: 'STAFF_SSO_OIDC_CLIENT_ID', clientSecret: 'STAFF_SSO_OIDC_CLIENT_SECRET' }),
    );
  }
  return { protocol: 'oidc', input: parsed.data };
}

/** A keyed hash of the configuration (it holds a client secret), stored to notice when the variables change. */
export function envFingerprint(config: StaffSsoEnvConfig): string {
  return createHmac('sha256', derivedSecret('staff-sso-env')).update(JSON.stringify(config)).digest('hex');
}
