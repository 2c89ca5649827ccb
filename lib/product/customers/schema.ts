import 'server-only';
import { z } from 'zod';
import { emailField, optionalField } from '@/lib/platform/form-fields';
import { TIER_KEYS } from '@/lib/plans/tiers';
import { MAX_SLUG_LENGTH, SLUG_PATTERN, slugify } from './slug';

/**
 * Input schemas for customers, shared by the forms, the server actions, the
 * CLI and the service. FormData sends empty strings for untouched optional
 * fields; they mean "not given".
 */

export { MAX_SLUG_LENGTH, SLUG_PATTERN, slugify };
export const MAX_NAME_LENGTH = 100;

/** How people tell customers apart: case and spacing do not make a name different (the service refuses a second "acme  corp"). */
export function customerNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Picker options (value = slug): a name that two customers share (data from before names were unique) carries its slug, so the entries differ. */
export function customerOptions(customers: readonly { name: string; slug: string }[]): { value: string; label: string }[] {
  const seen = new Map<string, number>();
  for (const customer of customers) seen.set(customerNameKey(customer.name), (seen.get(customerNameKey(customer.name)) ?? 0) + 1);
  return customers.map((customer) => ({
    value: customer.slug,
    label: (seen.get(customerNameKey(customer.name)) ?? 0) > 1 ? `${customer.name} (${customer.slug})` : customer.name,
  }));
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalText = (max: number, pattern?: { regex: RegExp; message: string }) => {
  let schema = z.string().trim().max(max, `Use at most ${max} characters.`);
  if (pattern) schema = schema.regex(pattern.regex, pattern.message);
  return optionalField(schema);
};

export const customerNameSchema = z
  .string({ error: 'Enter the customer\'s name.' })
  .trim()
  .min(1, 'Enter the customer\'s name.')
  .max(MAX_NAME_LENGTH, `Use at most ${MAX_NAME_LENGTH} characters.`);

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'Use at least 2 characters.')
  .max(MAX_SLUG_LENGTH, `Use at most ${MAX_SLUG_LENGTH} characters.`)
  .regex(SLUG_PATTERN, 'Use lowercase letters, digits and single dashes, starting and ending with a letter or digit.');

export const contactEmailSchema = emailField('Enter a contact email address.', 'Enter a valid email address, e.g. ops@acme.com.');

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day (YYYY-MM-DD, or a Date) as the last instant of that day in UTC: a license expiring "on" a day is valid through it. */
export function endOfDay(value: string | Date): Date | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return new Date(Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate(), 23, 59, 59, 999));
  }
  const match = DAY_PATTERN.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const date = new Date(Date.UTC(year, month, day, 23, 59, 59, 999));
  // Rejects 2026-02-30 and friends, which Date would roll over.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) return null;
  return date;
}

const licenseDay = (requireFuture: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .union([z.string(), z.date()])
      .transform((value, ctx) => {
        const date = endOfDay(value);
        if (!date) {
          ctx.addIssue({ code: 'custom', message: 'Use a date such as 2027-06-30 (YYYY-MM-DD).' });
          return z.NEVER;
        }
        if (requireFuture && date.getTime() <= Date.now()) {
          ctx.addIssue({ code: 'custom', message: LICENSE_EXPIRY_PAST });
          return z.NEVER;
        }
        return date;
      })
      .optional(),
  );

export const LICENSE_EXPIRY_PAST = 'The license expiry must be today or later.';
/** A new expiry must not be in the past. */
export const licenseExpirySchema = licenseDay(true);
/** Any valid day: an edit may keep an expiry that has passed since (the service refuses only a changed one in the past). */
export const licenseDaySchema = licenseDay(false);

export const customerFieldsSchema = z.object({
  name: customerNameSchema,
  contactEmail: contactEmailSchema,
  tier: z.enum(TIER_KEYS, { error: `Choose a tier: ${TIER_KEYS.join(', ')}.` }).default('community'),
  licenseExpiresAt: licenseExpirySchema,
  kubernetesVersion: optionalText(32, { regex: /^v?\d+\.\d+(?:\.\d+)?$/, message: 'Use a version such as 1.31 or v1.31.2.' }),
  productVersion: optionalText(64, { regex: /^[0-9A-Za-z][0-9A-Za-z.+-]*$/, message: 'Use a version such as 4.2.0.' }),
  namespace: optionalText(63, {
    regex: /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/,
    message: 'Use a Kubernetes namespace name: lowercase letters, digits and dashes.',
  }),
  notes: optionalText(5000),
});

export const createCustomerSchema = customerFieldsSchema.extend({
  /** Defaults to the name, slugified. */
  slug: optionalField(slugSchema),
});
export type CreateCustomerInput = z.input<typeof createCustomerSchema>;

const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

export const TIER_IS_BILLING =
  'The tier is a billing setting: set a manual tier on the customer\'s page or under Billing (portcullis billing manual-tier), which is audited with a reason, re-issues the license and is kept by Stripe webhooks.';

/**
 * Edits: a field left out is unchanged, an emptied optional field is cleared.
 * The slug is the registry username customers log in with, so it does not
 * change after creation. The tier is not edited here (TIER_IS_BILLING).
 */
export const updateCustomerSchema = z.object({
  name: customerNameSchema.optional(),
  contactEmail: contactEmailSchema.optional(),
  /** Refused rather than dropped, so no caller believes it changed the tier. */
  tier: z.never({ error: TIER_IS_BILLING }).optional(),
  licenseExpiresAt: z.preprocess(blankToNull, z.union([z.null(), licenseDaySchema])),
  kubernetesVersion: z.preprocess(blankToNull, z.union([z.null(), customerFieldsSchema.shape.kubernetesVersion])),
  productVersion: z.preprocess(blankToNull, z.union([z.null(), customerFieldsSchema.shape.productVersion])),
  namespace: z.preprocess(blankToNull, z.union([z.null(), customerFieldsSchema.shape.namespace])),
  notes: z.preprocess(blankToNull, z.union([z.null(), customerFieldsSchema.shape.notes])),
});
export type UpdateCustomerInput = z.input<typeof updateCustomerSchema>;
