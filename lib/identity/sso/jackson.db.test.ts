import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOrg } from '@/dev/testing/factories';
import { closeJackson, getJackson, getJacksonStore, JACKSON_PRODUCT } from './jackson';

/**
 * One Jackson per process configuration. `npm run demo -- --port 3300` used
 * to build Jackson for the default URL while seeding, then rebuild it when
 * the port became known and end the pool that calls were still using
 * ("Cannot use a pool after calling end on the pool").
 */

const saved = process.env.PUBLIC_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.PUBLIC_URL;
  else process.env.PUBLIC_URL = saved;
});
afterAll(async () => {
  await closeJackson();
});

describe('getJackson', () => {
  it('shares one instance per configuration', async () => {
    process.env.PUBLIC_URL = 'http://localhost:3000';
    const [a, b] = await Promise.all([getJackson(), getJackson()]);
    expect(a).toBe(b);
    expect(await getJackson()).toBe(a);
  });

  it('never ends a pool that calls are still using when the public URL changes', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    process.env.PUBLIC_URL = 'http://localhost:3000';
    const seeded = await getJackson();
    process.env.PUBLIC_URL = 'http://localhost:3300';
    const served = await getJackson();
    expect(served).not.toBe(seeded);
    expect(await served.spConfig.toXMLMetadata()).toContain('http://localhost:3300/api/sso/saml/acs');
    // The instance built before the change still answers (its pool was not ended under it).
    await expect(seeded.connectionAPIController.getConnections({ tenant: org.id, product: JACKSON_PRODUCT })).resolves.toEqual([]);
    await expect(served.connectionAPIController.getConnections({ tenant: org.id, product: JACKSON_PRODUCT })).resolves.toEqual([]);
  });

  it('runs each configuration on its own store (tests switch databases), not on the first one Jackson cached', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    process.env.PUBLIC_URL = 'http://localhost:3101';
    const first = await getJackson();
    process.env.PUBLIC_URL = 'http://localhost:3102';
    const second = await getJackson();
    const secondStore = await getJacksonStore();
    await secondStore.close();
    // Only the second instance used that store.
    await expect(second.connectionAPIController.getConnections({ tenant: org.id, product: JACKSON_PRODUCT })).rejects.toThrow(/pool/);
    await expect(first.connectionAPIController.getConnections({ tenant: org.id, product: JACKSON_PRODUCT })).resolves.toEqual([]);
  });
});
