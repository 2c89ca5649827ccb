import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds every entry point a browser can call: exported server actions of
 * 'use server' modules and HTTP handlers of route.ts files. Read from the
 * source, so a new action or route shows up without anyone registering it.
 * Each is swept by exactly one sweep: staff-only ones (everything under the
 * staff dashboard, and actions defined with `staffAction` anywhere) by the
 * admin sweep, the rest by the tenant-isolation sweep.
 */

export interface EntryPoint {
  kind: 'action' | 'route';
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** The exported name: an action's name, or the HTTP method. */
  name: string;
  /** `file#name`: the key the sweep's cases use. */
  id: string;
  /** For vendor staff only: under app/(admin), or defined with staffAction(). */
  staffOnly: boolean;
}

/**
 * A server action is callable by any browser that knows its id, wherever it
 * is defined, so actions are looked for everywhere; route handlers
 * everywhere under app/.
 */
export const ACTION_ROOTS = ['app', 'components', 'lib'] as const;
export const ROUTE_ROOTS = ['app'] as const;
/** The staff dashboard: every action and route under it is staff-only. */
export const STAFF_AREA = 'app/(admin)/';
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

/** Exports defined as `export const name = staffAction(…)`: staff-only wherever they live. */
export function staffActionNames(source: string): string[] {
  return [...source.matchAll(/export\s+const\s+([A-Za-z_$][\w$]*)\s*=\s*staffAction\s*\(/g)].map((match) => match[1]!).sort();
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

export function discoverEntryPoints(root: string): Discovery {
  const found = new Map<string, EntryPoint>();
  const inlineActions: string[] = [];
  const files = new Set([...ACTION_ROOTS, ...ROUTE_ROOTS].flatMap((base) => walk(path.join(root, base))));
  for (const full of files) {
    const file = path.relative(root, full).split(path.sep).join('/');
    if (file.startsWith('lib/platform/db/generated/')) continue;
    const source = fs.readFileSync(full, 'utf8');
    const staffArea = file.startsWith(STAFF_AREA);
    if (file.startsWith('app/') && /\/route\.tsx?$/.test(file)) {
      for (const name of exportedNames(source).filter((n) => HTTP_METHODS.includes(n))) {
        found.set(`${file}#${name}`, { kind: 'route', file, name, id: `${file}#${name}`, staffOnly: staffArea });
      }
    } else if (isServerModule(source)) {
      const staff = staffActionNames(source);
      for (const name of exportedNames(source)) {
        found.set(`${file}#${name}`, { kind: 'action', file, name, id: `${file}#${name}`, staffOnly: staffArea || staff.includes(name) });
      }
    } else if (/^\s+['"]use server['"]/m.test(source)) {
      inlineActions.push(file);
    }
  }
  return { entryPoints: [...found.values()].sort((a, b) => a.id.localeCompare(b.id)), inlineActions: inlineActions.sort() };
}

/**
 * Where customers read: every portal and /account page, layout and route handler (and
 * the machine API under app/api/v1), with the components they render and
 * the modules beside them, but not server actions (the tenant sweep's).
 */
export const READ_ROOTS = ['app/(portal)', 'app/(account)', 'app/api/v1'] as const;

function resolveImport(root: string, from: string, spec: string): string | null {
  const base = spec.startsWith('@/') ? path.join(root, spec.slice(2)) : path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Value imports of a module: `[specifier, names]`, type-only imports and
 * `type X` members left out; a default import by its local name, a
 * namespace import (`* as x`) as '*' (the whole module).
 */
export function valueImports(source: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const match of source.matchAll(/import\s+([^'";]+?)\s+from\s+'([^']+)'/g)) {
    const clause = match[1]!.trim();
    if (clause.startsWith('type ')) continue;
    const names: string[] = [];
    const braces = /\{([^}]*)\}/.exec(clause);
    for (const part of braces?.[1]?.split(',') ?? []) {
      const name = part.trim();
      if (name && !name.startsWith('type ')) names.push(name.split(/\s+as\s+/)[0]!);
    }
    const outside = clause.replace(/\{[^}]*\}/, '').split(',').map((part) => part.trim()).filter(Boolean);
    for (const part of outside) names.push(part.startsWith('*') ? '*' : part);
    out.push([match[2]!, names]);
  }
  return out;
}

/**
 * Every library function a customer-facing page or route can call, as
 * `@/lib/<module>#<name>` → the first file that imports it. Found by
 * following the imports of the read roots through '@/components/' and
 * relative modules, so a page that starts calling a new service shows up.
 */
export function discoverCustomerReads(root: string): Map<string, string> {
  const queue = READ_ROOTS.flatMap((base) => walk(path.join(root, base))).filter((file) => !/\/actions\.tsx?$/.test(file));
  const seen = new Set<string>();
  const reads = new Map<string, string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [spec, names] of valueImports(fs.readFileSync(file, 'utf8'))) {
      if (spec.startsWith('@/lib/')) {
        for (const name of names) if (!reads.has(`${spec}#${name}`)) reads.set(`${spec}#${name}`, path.relative(root, file).split(path.sep).join('/'));
      } else if (spec.startsWith('@/components/') || spec.startsWith('.')) {
        const next = resolveImport(root, file, spec);
        if (next && !/\/actions\.tsx?$/.test(next)) queue.push(next);
      }
    }
  }
  return reads;
}
