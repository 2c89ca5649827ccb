import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { SimpleTable } from '@/components/ui/simple-table';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { formatDate } from '@/lib/platform/format';
import { listSigningKeys } from '@/lib/product/licensing/signing-keys';
import { retireKeyAction, rotateKeyAction } from '../actions';
import { LicensingTabs } from '../_components/tabs';

export const metadata: Metadata = { title: 'Signing keys' };

const TONES = { active: 'success', verifying: 'info', retired: 'neutral' } as const;
const LABELS = { active: 'Active (signs)', verifying: 'Verifying', retired: 'Retired' } as const;

export default async function SigningKeysPage() {
  const { actor } = await requireStaffPage('/admin/licenses/keys', 'signing_keys.manage');
  const keys = await listSigningKeys(actor);
  return (
    <>
      <PageHeader
        title="Signing keys"
        description="Ed25519 keys that sign licenses. Private keys are encrypted at rest and never leave the server; public keys are published at /.well-known/jwks.json."
        actions={
          <ConfirmDialog
            title="Rotate the signing key?"
            confirmLabel="Rotate"
            tone="primary"
            action={rotateKeyAction}
            trigger={{ label: 'Rotate key', variant: 'primary' }}
          >
            A new key signs every license from now on. Existing licenses keep verifying with the current key until you retire it. Products that embed the JWKS need the new key before they see a license signed with it.
          </ConfirmDialog>
        }
      />
      <LicensingTabs active="keys" canManageKeys />
      <Card>
        <CardContent className="pt-1">
          <SimpleTable
            caption="Signing keys"
            empty="No signing key yet: the first license issued creates one, or rotate to create it now."
            rows={keys}
            rowKey={(key) => key.kid}
            columns={[
              { header: 'Key id (kid)', className: 'font-mono text-xs break-all', cell: (key) => key.kid },
              {
                header: 'Status',
                cell: (key) => (
                  <Badge tone={TONES[key.status]} dot>
                    {LABELS[key.status]}
                  </Badge>
                ),
              },
              { header: 'Created', className: 'whitespace-nowrap', cell: (key) => formatDate(key.createdAt) },
              { header: 'Rotated / retired', className: 'whitespace-nowrap', cell: (key) => (key.retiredAt ? `retired ${formatDate(key.retiredAt)}` : key.rotatedAt ? `rotated ${formatDate(key.rotatedAt)}` : '—') },
              { header: 'Licenses (live)', align: 'right', cell: (key) => `${key.licenses} (${key.liveLicenses})` },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (key) => (
                  <div className="flex justify-end gap-2">
                    <a className={buttonVariants({ variant: 'secondary', size: 'sm' })} href={`/admin/licenses/keys/${encodeURIComponent(key.kid)}/pem`} download>
                      PEM
                    </a>
                    {key.status === 'verifying' ? (
                      <ConfirmDialog
                        title="Retire this key?"
                        confirmLabel={key.liveLicenses > 0 ? 'Retire anyway' : 'Retire'}
                        action={retireKeyAction}
                        fields={{ kid: key.kid, force: key.liveLicenses > 0 ? 'true' : 'false' }}
                        confirmationText={key.liveLicenses > 0 ? 'retire' : undefined}
                        trigger={{ label: 'Retire', variant: 'secondary', size: 'sm' }}
                      >
                        It will no longer be published, so licenses it signed stop verifying.
                        {key.liveLicenses > 0 ? ` ${key.liveLicenses} live license${key.liveLicenses === 1 ? ' depends' : 's depend'} on it: re-issue them first unless the key is compromised.` : ''}
                      </ConfirmDialog>
                    ) : null}
                  </div>
                ),
              },
            ]}
          />
        </CardContent>
      </Card>
      <p className="mt-4 text-sm text-muted-foreground">
        Embed the keys in your product with the offline verification kit (<code className="font-mono text-xs">kit/license-verifier.ts</code>):{' '}
        <a className="text-link" href="/.well-known/jwks.json">
          /.well-known/jwks.json
        </a>{' '}
        or <code className="font-mono text-xs">portcullis keys jwks</code>.
      </p>
    </>
  );
}
