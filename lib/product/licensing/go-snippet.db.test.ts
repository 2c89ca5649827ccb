import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOrg, createStaff } from '@/dev/testing/factories';
import { DEFAULT_AUDIENCE } from './audience';
import { issueLicense } from './issue';
import { publishedJwks } from './signing-keys';

const hasGo = spawnSync('go', ['version']).status === 0;

// The Go snippet in docs/licensing.md is run as written against a real license,
// so the documentation cannot drift from what the portal issues. Skipped (with this reason) where Go is not installed.
describe('the documented Go verifier', () => {
  it.skipIf(!hasGo)('verifies a license, and refuses a tampered one and the wrong audience', { timeout: 240_000 }, async () => {
    const { actor } = await createStaff('staff-admin');
    const { token } = await issueLicense(actor, { orgId: (await createOrg({ tier: 'team', name: 'Go Shop' })).id });
    const doc = await fs.readFile(path.resolve(import.meta.dirname, '../../../docs/licensing.md'), 'utf8');
    const snippet = /```go\n([\s\S]*?)```/.exec(doc)![1]!;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'portcullis-go-'));
    const main = `${snippet.replace('package license', 'package main').replace('import (\n', 'import (\n\t"fmt"\n\t"os"\n')}
func main() {
	var jwks struct{ Keys []struct{ Kid, X string } }
	json.Unmarshal([]byte(os.Args[1]), &jwks)
	for _, k := range jwks.Keys {
		x, _ := base64.RawURLEncoding.DecodeString(k.X)
		Keys[k.Kid] = ed25519.PublicKey(x)
	}
	for _, c := range [][2]string{{os.Args[2], os.Args[3]}, {strings.Replace(os.Args[2], ".", ".x", 1), os.Args[3]}, {os.Args[2], "another-product"}} {
		status, claims, err := Verify(c[0], c[1], time.Now())
		fmt.Println(status, claims.Tier, claims.CustomerName, err)
	}
}
`;
    await fs.writeFile(path.join(dir, 'main.go'), main);
    await fs.writeFile(path.join(dir, 'go.mod'), 'module licensecheck\n\ngo 1.19\n');
    const output = execFileSync('go', ['run', '.', JSON.stringify(await publishedJwks()), token, DEFAULT_AUDIENCE], {
      cwd: dir,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOCACHE: path.join(os.tmpdir(), 'portcullis-go-cache') },
      encoding: 'utf8',
    });
    expect(output.trim().split('\n')).toEqual(['valid team Go Shop <nil>', 'invalid   bad signature', 'invalid team Go Shop wrong audience']);
  });
});
