import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLES } from '@/lib/identity/rbac/permissions';
import { quickActionsFor } from './overview';

const labels = (permissions: Parameters<typeof quickActionsFor>[0], activeTokens: number) => quickActionsFor(permissions, activeTokens).map((action) => action.label);

describe('the portal overview\'s quick actions', () => {
  const editor = BUILTIN_ROLES.editor.permissions;

  it('offers rotation only when there is a token to rotate; with none, how to get one', () => {
    expect(labels(editor, 1)).toContain('Rotate the registry token');
    expect(labels(editor, 1)).not.toContain('Get a registry token');
    expect(labels(editor, 0)).not.toContain('Rotate the registry token');
    const get = quickActionsFor(editor, 0).find((action) => action.label === 'Get a registry token');
    expect(get).toMatchObject({ path: '/install#tokens', description: expect.stringMatching(/Ask your vendor contact/) });
  });

  it('shows neither to a role that cannot see tokens', () => {
    for (const count of [0, 2]) expect(labels(['org.view', 'instructions.view'], count)).toEqual(['Install the product']);
  });
});
