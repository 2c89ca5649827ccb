import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds every entry point a customer can call: exported server actions of
 * 'use server' modules and HTTP handlers of route.ts files. Read from the
 * source, so a new action or route shows up without anyone registering it.
 */

export interface EntryPoint {
  kind: 'action' | 'route';
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** The exported name: an action's name, or the HTTP method. */
  name: string;
  /** `file#name`: the key the sweep's cases use. */
  id: string;
}

/**
 * A server action is callable by any browser that knows its id, wherever it
 * is defined, so actions are looked for everywhere but the staff dashboard
 * (whose actions are staff-only and tested with it) and sign-in (public).
 * Route handlers likewise everywhere under app/ but the staff dashboard.
 */
export const ACTION_ROOTS = ['app', 'components', 'lib'] as const;
export const ROUTE_ROOTS = ['app'] as const;
export const EXCLUDED = ['app/(admin)/', 'app/(auth)/'] as const;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** True when the module starts with the 'use server' directive (after comments). */
export function isServerModule(source: string): boolean {
  const body = source.replace(/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*/, '');
  return /^['"]use server['"]/.test(body);
}

/** Names a module exports: `export [async] function x`, `export const x`, `export const { a, b } =`, `export { a, b as c }`. */
export function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/export\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
  for (const match of source.matchAll(/export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
  for (const match of source.matchAll(/export\s+(?:const|let|var)\s+\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part.split(':').pop()?.trim();
      if (name) names.add(name);
    }
  }
  for (const match of source.matchAll(/export\s+\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part.split(/\s+as\s+/).pop()?.trim();
      if (name && name !== 'default') names.add(name);
    }
  }
  return [...names].sort();
}

export interface Discovery {
  entryPoints: EntryPoint[];
  /** Files with a function-level 'use server': the sweep cannot enumerate those, so they are refused. */
  inlineActions: string[];
}

/** `excluded`: path prefixes left out (by default the staff dashboard and sign-in). */
export function discoverEntryPoints(root: string, excluded: readonly string[] = EXCLUDED): Discovery {
  const found = new Map<string, EntryPoint>();
  const inlineActions: string[] = [];
  const files = new Set([...ACTION_ROOTS, ...ROUTE_ROOTS].flatMap((base) => walk(path.join(root, base))));
  for (const full of files) {
    const file = path.relative(root, full).split(path.sep).join('/');
    if (file.startsWith('lib/db/generated/') || excluded.some((prefix) => file.startsWith(prefix))) continue;
    const source = fs.readFileSync(full, 'utf8');
    if (file.startsWith('app/') && /\/route\.tsx?$/.test(file)) {
      for (const name of exportedNames(source).filter((n) => HTTP_METHODS.includes(n))) found.set(`${file}#${name}`, { kind: 'route', file, name, id: `${file}#${name}` });
    } else if (isServerModule(source)) {
      for (const name of exportedNames(source)) found.set(`${file}#${name}`, { kind: 'action', file, name, id: `${file}#${name}` });
    } else if (/^\s+['"]use server['"]/m.test(source)) {
      inlineActions.push(file);
    }
  }
  return { entryPoints: [...found.values()].sort((a, b) => a.id.localeCompare(b.id)), inlineActions: inlineActions.sort() };
}
