import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The outbound sweep: every place in the product that opens a connection or
 * makes an HTTP request by itself must be the guard (lib/platform/net/outbound.ts) or
 * be listed here with the reason it never carries a URL a person typed.
 * Read from the source, so a new `fetch(` in a service fails the build until
 * it goes through the guard or earns a reason.
 */

const ROOTS = ['lib', 'app', 'components', 'scripts', 'kit'];
// Tests start servers and clients of their own on purpose (and dev/, the test and demo tooling, is not scanned).
const TEST_TOOLING = [/\.test\.tsx?$/, /\.d\.ts$/];

const EXEMPT: Record<string, string> = {
  'lib/platform/net/outbound.ts': 'the guard itself',
  'lib/product/gateway/upstream.ts':
    "the registry gateway's upstream: the vendor's own registry, set by a staff-admin (repositories.manage), never customer input; it may legitimately be private (an internal Harbor)",
  'lib/platform/db/embedded.ts': "probes whether the embedded database's own loopback port is already served",
};

// A value import of node:http(s) (default or namespace: `import https from 'node:https'`) whose module object is
// used to send (`lib.request(`, `transport.get(`), however it is aliased.
const HTTP_MODULE_IMPORT = /import\s+(?!type\b)(?:\*\s+as\s+)?[A-Za-z_$][\w$]*\s*(?:,\s*\{[^}]*\})?\s*from\s*['"](?:node:)?https?['"]/;

const OUTBOUND_PATTERNS: [(source: string) => boolean, string][] = [
  [(s) => /(?<![\w.])fetch\s*\(|globalThis\.fetch\b/.test(s), 'fetch('],
  [(s) => HTTP_MODULE_IMPORT.test(s) && /\.(?:request|get)\s*\(/.test(s), 'http(s).request/get('],
  [(s) => /import\s*\{[^}]*\b(?:request|get)\b[^}]*\}\s*from\s*['"](?:node:)?https?['"]/.test(s), 'request/get imported from node:http(s)'],
  [(s) => /\b(?:net\.(?:connect|createConnection)|tls\.connect)\s*\(/.test(s), 'a raw socket'],
  [(s) => /import\s*\{[^}]*\b(?:connect|createConnection)\b[^}]*\}\s*from\s*['"](?:node:)?(?:net|tls)['"]/.test(s), 'connect imported from node:net/tls'],
  [(s) => /from\s*['"](?:undici|axios|node-fetch|got|ky)['"]|require\(\s*['"](?:undici|axios|node-fetch|got)['"]\s*\)/.test(s), 'an HTTP client library'],
  [(s) => /new\s+WebSocket\s*\(/.test(s), 'a WebSocket'],
];

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'generated') walk(full, out);
    } else if (/\.(ts|tsx|mjs|js)$/.test(entry.name)) out.push(full.split(path.sep).join('/'));
  }
  return out;
}

/** Source without comments, so a comment mentioning fetch( is not a finding. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

export function outboundCallers(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    if (TEST_TOOLING.some((pattern) => pattern.test(file))) continue;
    const source = code(fs.readFileSync(file, 'utf8'));
    const kinds = OUTBOUND_PATTERNS.filter(([matches]) => matches(source)).map(([, kind]) => kind);
    if (kinds.length) found.set(file, kinds);
  }
  return found;
}

describe('outbound sweep', () => {
  const callers = outboundCallers(ROOTS.flatMap((root) => walk(root)));

  it('finds no request or connection outside the guard, except the listed ones with their reasons', () => {
    const unexplained = [...callers].filter(([file]) => !(file in EXEMPT)).map(([file, kinds]) => `${file}: ${kinds.join(', ')}`);
    expect(unexplained, 'route these through lib/platform/net/outbound.ts (outboundRequest), or add a reason to EXEMPT').toEqual([]);
  });

  it('lists no exemption that no longer makes requests (the list stays honest)', () => {
    expect(Object.keys(EXEMPT).filter((file) => !callers.has(file))).toEqual([]);
  });

  it('recognises each kind of outbound call', () => {
    const dir = fs.mkdtempSync(path.join(process.cwd(), '.sweep-'));
    try {
      const samples = {
        'a.ts': "export const x = () => fetch('https://example.com');",
        'b.ts': "import https from 'node:https';\nhttps.request('https://example.com');",
        'c.ts': "import { request } from 'node:http';\nrequest('http://example.com');",
        'd.ts': "import net from 'node:net';\nnet.connect(80, 'example.com');",
        'e.ts': "import { fetch as f } from 'undici';",
        'f.ts': '// fetch(\nexport const y = 1;',
        'g.ts': "import type { IncomingMessage } from 'node:http';\nexport type Z = IncomingMessage;",
        'h.ts': "import http from 'node:http';\nimport https from 'node:https';\nconst lib = Math.random() ? http : https;\nlib.request('http://x');",
        'i.ts': "import { createServer } from 'node:http';\nconst m = new Map();\nm.get('k');\ncreateServer();",
      };
      for (const [name, source] of Object.entries(samples)) fs.writeFileSync(path.join(dir, name), source);
      const found = outboundCallers(Object.keys(samples).map((name) => path.join(dir, name)));
      expect([...found.keys()].map((file) => path.basename(file)).sort()).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts', 'h.ts']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
