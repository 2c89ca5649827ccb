'use client';

import { Boxes } from 'lucide-react';
import Link from 'next/link';
import { useActionState } from 'react';
import { Form, SelectField, SubmitButton, TextField } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
import { Badge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Repo = {
  id: string;
  name: string;
  description?: string | null;
  source?: 'plan' | 'manual';
  versions?: { channel: string | null; versionRange: string | null };
  versionsText?: string;
};
type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

export type RepositoryGrantsProps = {
  org: { id: string; slug: string; name: string };
  granted: readonly Repo[];
  available: readonly Repo[];
  canManage: boolean;
  grantAction: Action;
  removeGrantAction: Action;
  /** Sets which versions of a granted repository the customer may pull. */
  versionsAction?: Action;
};

/** The repositories a customer may pull, with add and remove for staff who manage repository grants. */
export function RepositoryGrants({ org, granted, available, canManage, grantAction, removeGrantAction, versionsAction }: RepositoryGrantsProps) {
  const [state, dispatch, pending] = useActionState(grantAction, null);
  const choices = available.filter((repo) => !granted.some((e) => e.id === repo.id));
  return (
    <div className="space-y-4">
      {granted.length === 0 ? (
        <EmptyState
          icon={Boxes}
          title="No repository granted"
          description="Tokens are scoped to granted repositories, so grant at least one before minting."
          className="py-6"
        />
      ) : (
        <ul className="divide-y divide-border rounded-md border border-border">
          {granted.map((repo) => (
            <li key={repo.id} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-3 py-2">
              <span className="min-w-0 flex-1 basis-52">
                <span className="block truncate font-mono text-[13px]">
                  {repo.name}{' '}
                  {repo.source ? (
                    <Badge tone={repo.source === 'plan' ? 'info' : 'neutral'} title={repo.source === 'plan' ? 'Included in the plan: follows the tier' : 'Granted by hand: a tier change leaves it alone'}>
                      {repo.source}
                    </Badge>
                  ) : null}
                </span>
                {repo.description ? <span className="block truncate text-xs text-muted-foreground">{repo.description}</span> : null}
                {repo.versionsText ? (
                  <span className="block text-xs break-words text-muted-foreground" data-testid="granted-versions">
                    May pull: {repo.versionsText}
                  </span>
                ) : null}
              </span>
              {canManage ? (
                <span className="ml-auto flex shrink-0 items-center gap-1">
                  {versionsAction ? (
                    <FormDialog
                      title={`Versions of ${repo.name} ${org.name} may pull`}
                      description="Leave both empty for every version. With both, a tag must pass both. The gateway applies it at once, to tags, digests and tag lists; the image's Helm chart is not limited."
                      trigger={{ label: 'Versions', variant: 'ghost', size: 'sm', 'aria-label': `Versions of ${repo.name}` }}
                      action={versionsAction}
                      fields={{ orgId: org.id, slug: org.slug, repositoryId: repo.id }}
                      values={{ channel: repo.versions?.channel ?? '', versionRange: repo.versions?.versionRange ?? '' }}
                      submitLabel="Save versions"
                    >
                      <TextField name="channel" label="Channel" hint='Tag patterns, comma-separated; "*" matches anything. E.g. stable, *-lts' autoComplete="off" />
                      <TextField name="versionRange" label="Version range" hint="A semver range over tags that name a version. E.g. >=2.0.0 <3, ^2.4 or 2.x" autoComplete="off" />
                    </FormDialog>
                  ) : null}
                <ConfirmDialog
                  title={`Stop ${org.name} pulling ${repo.name}?`}
                  confirmLabel="Remove grant"
                  action={removeGrantAction}
                  fields={{ orgId: org.id, slug: org.slug, repositoryId: repo.id }}
                  trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}
                >
                  Their tokens lose access to this repository at once. Tokens stay valid for their other repositories.
                </ConfirmDialog>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canManage ? (
        choices.length > 0 ? (
          <Form action={dispatch} state={state} className="flex flex-col gap-3 space-y-0 sm:flex-row sm:items-end">
            <input type="hidden" name="orgId" value={org.id} />
            <input type="hidden" name="slug" value={org.slug} />
            <SelectField
              name="repositoryId"
              label="Grant access to"
              placeholder="Choose a repository…"
              options={choices.map((repo) => ({ value: repo.id, label: repo.name }))}
              className="flex-1"
            />
            <SubmitButton pending={pending} variant="secondary">
              Grant
            </SubmitButton>
          </Form>
        ) : available.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            No repositories are registered yet.{' '}
            <Link href="/admin/repositories" className="font-medium text-link">
              Register one
            </Link>
            .
          </p>
        ) : null
      ) : null}
    </div>
  );
}
