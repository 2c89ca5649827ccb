import 'server-only';
import { z } from 'zod';
import { emailField, optionalField } from '@/lib/platform/form-fields';
import { BUILTIN_ROLE_KEYS } from '@/lib/identity/rbac/permissions';

/** Input schemas shared by the settings forms, their server actions, the CLI and the tests. */

const name = z.string().trim().min(1, 'Give the connection a name, e.g. "Okta".').max(64, 'Use at most 64 characters.');

const httpUrl = (message: string) =>
  z
    .string()
    .trim()
    .max(2048, 'That URL is too long.')
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        return false;
      }
    }, message);

export const samlConnectionSchema = z
  .object({
    name,
    metadataXml: optionalField(z.string().max(200_000, 'The metadata is too large.')),
    metadataUrl: optionalField(httpUrl('Enter the metadata URL, e.g. https://idp.example.com/metadata.')),
  })
  .superRefine((value, ctx) => {
    if (!value.metadataXml && !value.metadataUrl) {
      ctx.addIssue({ code: 'custom', path: ['metadataXml'], message: 'Paste the IdP metadata XML or give its URL.' });
    }
    if (value.metadataXml && value.metadataUrl) {
      ctx.addIssue({ code: 'custom', path: ['metadataUrl'], message: 'Give either the metadata XML or its URL, not both.' });
    }
    if (value.metadataXml && !value.metadataXml.includes('EntityDescriptor')) {
      ctx.addIssue({ code: 'custom', path: ['metadataXml'], message: 'This does not look like SAML metadata (no EntityDescriptor).' });
    }
  });
export type SamlConnectionInput = z.input<typeof samlConnectionSchema>;

export const oidcConnectionSchema = z.object({
  name,
  discoveryUrl: httpUrl('Enter the discovery URL, e.g. https://idp.example.com/.well-known/openid-configuration.'),
  clientId: z.string().trim().min(1, 'Enter the client id from your identity provider.').max(512),
  clientSecret: z.string().trim().min(1, 'Enter the client secret from your identity provider.').max(1024),
});
export type OidcConnectionInput = z.input<typeof oidcConnectionSchema>;

/** On edit, an empty secret keeps the stored one and empty metadata keeps the current metadata. */
export const updateSamlConnectionSchema = z.object({
  name,
  metadataXml: samlConnectionSchema.shape.metadataXml,
  metadataUrl: samlConnectionSchema.shape.metadataUrl,
});
export const updateOidcConnectionSchema = oidcConnectionSchema.extend({
  clientSecret: optionalField(z.string().trim().max(1024)),
});

export const domainSchema = z.object({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .transform((value) => value.replace(/^@/, '').replace(/\.$/, ''))
    .pipe(
      z
        .string()
        .min(3, 'Enter a domain such as example.com.')
        .max(253, 'That domain is too long.')
        .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'Enter a domain such as example.com, without https:// or paths.'),
    ),
});

/** Single sign-on never makes anyone an owner (lib/identity/sso/policy.ts, lib/identity/sso/provision.ts). */
export const SSO_GRANTABLE_ROLES = BUILTIN_ROLE_KEYS.filter((role) => role !== 'owner');

export const ssoPolicySchema = z.object({
  ssoRequired: z.union([z.boolean(), z.stringbool()]).optional().default(false),
  defaultRole: z
    .string()
    .refine((role) => role !== 'owner', 'Single sign-on never makes anyone an owner. Choose admin or below.')
    .pipe(z.enum(SSO_GRANTABLE_ROLES as [string, ...string[]], { message: 'Choose a role.' })),
});

export const groupRoleSchema = z.object({
  groupName: z.string().trim().min(1, 'Enter the group name exactly as your IdP sends it.').max(256),
  /** A built-in role key but owner, or `custom:<role id>`. */
  role: z.string().min(1, 'Choose a role.').refine((role) => role !== 'owner', 'A group mapping cannot grant the owner role. Owners are made by hand, by an owner.'),
});

export const emailSchema = z.object({
  email: emailField('Enter your work email address.'),
});
