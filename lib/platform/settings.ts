import 'server-only';
import type { Db } from '@/lib/platform/db/client';

/** Operator-tunable values kept in the database (edited by staff-admins in settings; written with putSetting, lib/product/settings-write.ts). */
export async function getSetting<T extends string | number | boolean>(db: Db, key: string, fallback: T): Promise<T> {
  const row = await db.setting.findUnique({ where: { key } });
  return row && typeof row.value === typeof fallback ? (row.value as T) : fallback;
}
