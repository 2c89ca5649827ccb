import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';

/** Operator-tunable values kept in the database (edited by staff-admins in settings). */
export async function getSetting<T extends string | number | boolean>(db: Db, key: string, fallback: T): Promise<T> {
  const row = await db.setting.findUnique({ where: { key } });
  return row && typeof row.value === typeof fallback ? (row.value as T) : fallback;
}

/** Stores an operator setting and audits the change, inside the caller's transaction. Permission checks stay with the caller. */
export async function putSetting<T extends string | number | boolean>(tx: Db, actor: Actor, key: string, value: T): Promise<{ changed: boolean }> {
  const before = await tx.setting.findUnique({ where: { key } });
  if (before && before.value === value) return { changed: false };
  await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  await recordAudit(tx, actor, { action: 'setting.update', target: { type: 'setting', id: key }, before: { value: before?.value ?? null }, after: { value } });
  return { changed: true };
}
