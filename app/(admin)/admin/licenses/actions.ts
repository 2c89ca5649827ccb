'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { staffAction } from '@/lib/identity/actions';
import { prisma } from '@/lib/platform/db/client';
import { LIMIT_KEYS } from '@/lib/plans/tiers';
import { createFeatureFlag, createFlagSchema, removeFeatureOverride, setFeatureOverride, setOverrideSchema, updateFeatureFlag, updateFlagSchema } from '@/lib/product/features/flags';
import { resolveCustomer } from '@/lib/product/customers/resolve-customer';
import { issueLicense, issueLicenseSchema, reissueLicense, reissueLicenseSchema } from '@/lib/product/licensing/issue';
import { revokeLicense, revokeLicenseSchema } from '@/lib/product/licensing/revoke';
import { retireSigningKey, rotateSigningKey } from '@/lib/product/licensing/signing-keys';
import { setPlanRepositories, setPlanRepositoriesSchema } from '@/lib/product/registry/plans';

/** The form's `limit_seats`, `limit_nodes`, … fields are the service's `limits` (a blank one means the tier default). */
function withLimits(form: unknown) {
  if (typeof form !== 'object' || form === null) return form;
  const fields = form as Record<string, unknown>;
  return { ...fields, limits: Object.fromEntries(LIMIT_KEYS.filter((key) => fields[`limit_${key}`] !== undefined).map((key) => [key, fields[`limit_${key}`]])) };
}

const customerField = z.string().trim().min(1, 'Enter the customer\'s slug or name.');

const issueForm = z.preprocess(withLimits, issueLicenseSchema.omit({ orgId: true, notBefore: true }).extend({ customer: customerField }));

export const issueLicenseAction = staffAction('licenses.issue', issueForm, async ({ customer, ...input }, actor) => {
  const org = await resolveCustomer(prisma, customer, { field: 'customer' });
  const { license } = await issueLicense(actor, { ...input, orgId: org.id });
  revalidatePath('/admin/licenses');
  redirect(`/admin/licenses/${license.id}?issued=1`);
});

const reissueForm = z.preprocess(withLimits, reissueLicenseSchema.pick({ licenseId: true, tier: true, expiresAt: true, reason: true, limits: true }));

export const reissueLicenseAction = staffAction('licenses.issue', reissueForm, async (input, actor) => {
  const { license } = await reissueLicense(actor, input);
  redirect(`/admin/licenses/${license.id}?issued=1`);
});

export const revokeLicenseAction = staffAction('licenses.revoke', revokeLicenseSchema, async (input, actor) => {
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
  updateFlagSchema,
  async (input, actor) => {
    await updateFeatureFlag(actor, input);
    revalidatePath('/admin/licenses/features');
    return { message: `${input.key} updated.` };
  },
);

export const createFlagAction = staffAction(
  'features.manage',
  createFlagSchema,
  async (input, actor) => {
    const flag = await createFeatureFlag(actor, input);
    revalidatePath('/admin/licenses/features');
    return { message: `Feature ${flag.key} created.` };
  },
);

export const setOverrideAction = staffAction(
  'features.manage',
  setOverrideSchema.omit({ orgId: true }).extend({ customer: customerField }),
  async ({ customer, ...input }, actor) => {
    const org = await resolveCustomer(prisma, customer, { field: 'customer' });
    await setFeatureOverride(actor, { ...input, orgId: org.id });
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
