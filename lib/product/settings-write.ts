import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import type { Db } from '@/lib/platform/db/client';

/** Stores an operator setting (read with getSetting, lib/platform/settings.ts) and audits the change, inside the caller's transaction. Permission checks stay with the caller. */
export async function putSetting<T extends string | number | boolean>(tx: Db, actor: Actor, key: string, value: T): Promise<{ changed: boolean }> {
  const before = await tx.setting.findUnique({ where: { key } });
  if (before && before.value === value) return { changed: false };
  await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  await recordAudit(tx, actor, { action: 'setting.update', target: { type: 'setting', id: key }, before: { value: before?.value ?? null }, after: { value } });
  return { changed: true };
}
