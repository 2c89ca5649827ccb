import { expect, test } from '@playwright/test';

// The registry gateway answers on the portal's own port (`npm run demo`,
// `npm start`): lib/entry/server/start.ts routes /v2/ to it before Next sees the
// request. The gateway's behaviour is tested in lib/product/gateway; this checks the
// wiring a `docker login <portal host>` depends on.
test.describe('registry gateway on the portal port', () => {
  test('GET /v2/ challenges for Basic credentials in the registry error format', async ({ request }) => {
    const response = await request.get('/v2/', { maxRedirects: 0 });
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toMatch(/^Basic realm="/);
    expect(response.headers()['docker-distribution-api-version']).toBe('registry/2.0');
    expect(response.headers()['content-length']).toBeDefined();
    expect(await response.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
  });

  test('a wrong token is unauthorized, and /v2 without the slash is not redirected by Next', async ({ request }) => {
    const basic = `Basic ${Buffer.from('globex:pcr_wrong').toString('base64')}`;
    const wrong = await request.get('/v2/', { headers: { authorization: basic }, maxRedirects: 0 });
    expect(wrong.status()).toBe(401);
    expect(await wrong.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    const bare = await request.get('/v2', { maxRedirects: 0 });
    expect(bare.status()).toBe(401);
  });
});
