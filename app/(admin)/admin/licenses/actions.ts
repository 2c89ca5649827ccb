'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { staffAction } from '@/lib/identity/actions';
import { LIMIT_KEYS } from '@/lib/plans/tiers';
import { createFeatureFlag, removeFeatureOverride, setFeatureOverride, updateFeatureFlag } from '@/lib/product/features/flags';
import { issueLicense, reissueLicense, revokeLicense } from '@/lib/product/licensing/licenses';
import { findCustomer } from '@/lib/product/licensing/lookup';
import { retireSigningKey, rotateSigningKey } from '@/lib/product/licensing/signing-keys';
import { setPlanRepositories, setPlanRepositoriesSchema } from '@/lib/product/registry/plans';

/** Form fields `limit_seats`, `limit_nodes`, … → the services' `limits`; blank ones mean the tier default. */
function limitsFrom(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of LIMIT_KEYS) {
    const value = input[`limit_${key}`];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

const issueForm = z
  .object({
    customer: z.string().trim().min(1, 'Enter the customer\'s slug or name.'),
    tier: z.string().optional(),
    expiresAt: z.string().optional(),
    graceDays: z.string().optional(),
    features: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .passthrough();

export const issueLicenseAction = staffAction('licenses.issue', issueForm, async (input, actor) => {
  const org = await findCustomer(input.customer);
  const { license } = await issueLicense(actor, {
    orgId: org.id,
    tier: (input.tier || undefined) as never,
    expiresAt: input.expiresAt || undefined,
    graceDays: input.graceDays || undefined,
    features: input.features,
    limits: limitsFrom(input),
  });
  revalidatePath('/admin/licenses');
  redirect(`/admin/licenses/${license.id}?issued=1`);
});

const reissueForm = z
  .object({ licenseId: z.string().min(1), tier: z.string().optional(), expiresAt: z.string().optional(), reason: z.string().optional() })
  .passthrough();

export const reissueLicenseAction = staffAction('licenses.issue', reissueForm, async (input, actor) => {
  const { license } = await reissueLicense(actor, {
    licenseId: input.licenseId,
    tier: (input.tier || undefined) as never,
    expiresAt: input.expiresAt || undefined,
    reason: input.reason || undefined,
    limits: limitsFrom(input),
  });
  redirect(`/admin/licenses/${license.id}?issued=1`);
});

export const revokeLicenseAction = staffAction('licenses.revoke', z.object({ licenseId: z.string().min(1), reason: z.string() }), async (input, actor) => {
  const license = await revokeLicense(actor, input);
  revalidatePath(`/admin/licenses/${license.id}`);
  return { message: `License ${license.jti.slice(0, 8)}… revoked.` };
});

export const rotateKeyAction = staffAction('signing_keys.manage', z.object({}), async (_input, actor) => {
  const key = await rotateSigningKey(actor);
  revalidatePath('/admin/licenses/keys');
  return { message: `New signing key ${key.kid.slice(0, 12)}… is active.` };
});

export const retireKeyAction = staffAction('signing_keys.manage', z.object({ kid: z.string().min(1), force: z.string().optional() }), async (input, actor) => {
  await retireSigningKey(actor, input.kid, { force: input.force === 'true' });
  revalidatePath('/admin/licenses/keys');
  return { message: `Signing key ${input.kid.slice(0, 12)}… retired.` };
});

export const updateFlagAction = staffAction(
  'features.manage',
  z.object({ key: z.string().min(1), minTier: z.string().optional(), enabled: z.string().optional() }),
  async (input, actor) => {
    await updateFeatureFlag(actor, { key: input.key, minTier: (input.minTier || undefined) as never, enabled: input.enabled as never });
    revalidatePath('/admin/licenses/features');
    return { message: `${input.key} updated.` };
  },
);

export const createFlagAction = staffAction(
  'features.manage',
  z.object({ key: z.string(), description: z.string().optional(), minTier: z.string() }),
  async (input, actor) => {
    const flag = await createFeatureFlag(actor, { key: input.key, description: input.description, minTier: input.minTier as never });
    revalidatePath('/admin/licenses/features');
    return { message: `Feature ${flag.key} created.` };
  },
);

export const setOverrideAction = staffAction(
  'features.manage',
  z.object({ customer: z.string().trim().min(1, 'Enter the customer\'s slug or name.'), featureKey: z.string(), enabled: z.string(), expiresAt: z.string().optional(), reason: z.string() }),
  async (input, actor) => {
    const org = await findCustomer(input.customer);
    await setFeatureOverride(actor, { orgId: org.id, featureKey: input.featureKey, enabled: input.enabled as never, expiresAt: input.expiresAt, reason: input.reason });
    revalidatePath('/admin/licenses/features');
    revalidatePath(`/admin/customers/${org.slug}/licenses`);
    return { message: `Override saved for ${org.name}.` };
  },
);

export const removeOverrideAction = staffAction('features.manage', z.object({ orgId: z.string().min(1), featureKey: z.string().min(1) }), async (input, actor) => {
  await removeFeatureOverride(actor, input);
  revalidatePath('/admin/licenses/features');
  return { message: 'Override removed.' };
});

/** What a plan includes; every customer on a tier that includes it follows in the same transaction. */
export const setPlanRepositoriesAction = staffAction('features.manage', setPlanRepositoriesSchema, async (input, actor) => {
  const result = await setPlanRepositories(actor, input);
  revalidatePath('/admin/licenses/features');
  return { message: `Plan saved: ${result.repositories.length} repositor${result.repositories.length === 1 ? 'y' : 'ies'}; ${result.customersChanged} customer${result.customersChanged === 1 ? '' : 's'} changed.` };
});
