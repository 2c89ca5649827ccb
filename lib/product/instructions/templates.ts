import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { getSetting } from '@/lib/platform/settings';
import { putSetting } from '@/lib/product/settings-write';
import { DEFAULT_TEMPLATES, defaultTemplate, TEMPLATE_KEYS, type TemplateKey } from './defaults';
import { PLACEHOLDERS, unknownPlaceholders } from './render';

/**
 * Instruction templates as stored data. A section staff never edited is
 * served from the defaults; editing stores it; resetting deletes the stored
 * copy. Editing is staff-admin only (templates.manage).
 */

export type InstructionTemplateView = { key: TemplateKey; title: string; body: string; position: number; customized: boolean; updatedAt: Date | null };

export async function loadTemplates(db: Db): Promise<InstructionTemplateView[]> {
  const rows = await db.instructionTemplate.findMany();
  const stored = new Map(rows.map((row) => [row.key, row]));
  return DEFAULT_TEMPLATES.map((template, index) => {
    const row = stored.get(template.key);
    return row
      ? { key: template.key, title: row.title, body: row.body, position: index, customized: true, updatedAt: row.updatedAt }
      : { ...template, position: index, customized: false, updatedAt: null };
  });
}

export async function listTemplates(actor: Actor) {
  assertStaffPermission(actor, 'customers.view');
  return loadTemplates(prisma);
}

const placeholderList = Object.keys(PLACEHOLDERS)
  .map((name) => `{{${name}}}`)
  .join(', ');

export const updateTemplateSchema = z.object({
  key: z.enum(TEMPLATE_KEYS, { error: `Unknown section. Use one of: ${TEMPLATE_KEYS.join(', ')}.` }),
  title: z.string().trim().min(1, 'Give the section a title.').max(100, 'Use at most 100 characters.'),
  body: z
    .string()
    .trim()
    .min(1, 'The section cannot be empty.')
    .max(20_000, 'Use at most 20,000 characters.')
    .superRefine((body, ctx) => {
      const unknown = unknownPlaceholders(body);
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `{{${name}}}`).join(', ')}. Available: ${placeholderList}.`,
        });
      }
    }),
});

export async function updateTemplate(actor: Actor, input: z.input<typeof updateTemplateSchema>) {
  assertStaffPermission(actor, 'templates.manage');
  const data = updateTemplateSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const before = (await loadTemplates(tx)).find((template) => template.key === data.key)!;
    if (before.title === data.title && before.body === data.body) return before;
    const position = TEMPLATE_KEYS.indexOf(data.key);
    await tx.instructionTemplate.upsert({
      where: { key: data.key },
      create: { key: data.key, title: data.title, body: data.body, position, updatedById: actor.userId },
      update: { title: data.title, body: data.body, updatedById: actor.userId },
    });
    await recordAudit(tx, actor, {
      action: 'template.update',
      target: { type: 'instruction_template', id: data.key },
      before: { title: before.title, body: before.body },
      after: { title: data.title, body: data.body },
    });
    return (await loadTemplates(tx)).find((template) => template.key === data.key)!;
  });
}

export async function resetTemplate(actor: Actor, key: string) {
  assertStaffPermission(actor, 'templates.manage');
  if (!(TEMPLATE_KEYS as readonly string[]).includes(key)) throw ValidationError.field('key', `Unknown section ${key}.`);
  return prisma.$transaction(async (tx) => {
    const stored = await tx.instructionTemplate.findUnique({ where: { key } });
    if (!stored) return defaultTemplate(key as TemplateKey);
    await tx.instructionTemplate.delete({ where: { key } });
    await recordAudit(tx, actor, {
      action: 'template.reset',
      target: { type: 'instruction_template', id: key },
      before: { title: stored.title, body: stored.body },
      after: defaultTemplate(key as TemplateKey),
    });
    return defaultTemplate(key as TemplateKey);
  });
}

// ───────────────────────────── instruction settings ─────────────────────────

export const DEFAULT_VENDOR_CONTACT = 'your support contact';

export async function instructionSettings(db: Db = prisma) {
  // The chart reference used to be a setting here; it is now the image's chart repository.
  return { vendorContact: await getSetting(db, 'instructions.vendorContact', DEFAULT_VENDOR_CONTACT) };
}

export const instructionSettingsSchema = z.object({
  vendorContact: z.string().trim().min(1, 'Say who customers contact for help, e.g. support@vendor.com.').max(200, 'Use at most 200 characters.'),
});

export async function updateInstructionSettings(actor: Actor, input: z.input<typeof instructionSettingsSchema>) {
  assertStaffPermission(actor, 'templates.manage');
  const data = instructionSettingsSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    await putSetting(tx, actor, 'instructions.vendorContact', data.vendorContact);
    return data;
  });
}
