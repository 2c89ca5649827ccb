'use client';

import { useActionState } from 'react';
import { CheckboxField, Form, SelectField, SubmitButton, TextField, type FormValues } from '@/components/forms';
import { LinkButton } from '@/components/ui/button';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

export type RepositoryFormProps = {
  action: (state: ActionState, formData: FormData) => Promise<ActionResult>;
  mode: 'create' | 'edit';
  values?: FormValues;
  hidden?: Record<string, string>;
  hasUpstreamSecret?: boolean;
  readOnly?: boolean;
  /** On create: images without a chart, any of which this repository can be the Helm chart of. */
  images?: string[];
};

const redirectModes = [
  { value: 'follow', label: 'Follow on the server (upstream CDN stays hidden)' },
  { value: 'passthrough', label: 'Pass through to the client' },
];

export function RepositoryForm({ action, mode, values, hidden, hasUpstreamSecret, readOnly = false, images = [] }: RepositoryFormProps) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} values={values} noValidate>
      {hidden ? Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
      <fieldset disabled={readOnly} className="space-y-5">
        <legend className="sr-only">Repository</legend>
        {mode === 'create' ? (
          <TextField
            name="name"
            label="Name customers pull"
            required
            placeholder="acme/product-enterprise"
            hint="As in docker pull <registry>/acme/product-enterprise. Lowercase; it cannot change later."
            spellCheck={false}
          />
        ) : null}
        <TextField name="description" label="Description" placeholder="The enterprise edition image" maxLength={500} />
        <div className="grid items-start gap-5 sm:grid-cols-2">
          <TextField name="upstreamUrl" label="Upstream registry" required placeholder="https://ghcr.io" type="url" spellCheck={false} />
          <TextField name="upstreamRepository" label="Upstream repository" placeholder="acme-inc/product-enterprise" hint="Defaults to the name." spellCheck={false} />
          <TextField name="upstreamUsername" label="Upstream username" autoComplete="off" spellCheck={false} />
          <TextField
            name="upstreamSecret"
            label="Upstream password or token"
            type="password"
            autoComplete="new-password"
            hint={
              mode === 'edit'
                ? hasUpstreamSecret
                  ? 'A credential is stored (encrypted, never shown). Enter a new one to replace it.'
                  : 'None stored. Enter one to store it encrypted.'
                : 'Stored encrypted and never shown again.'
            }
          />
        </div>
        {mode === 'edit' && hasUpstreamSecret ? <CheckboxField name="clearUpstreamSecret" label="Remove the stored credential (pull anonymously)" /> : null}
        <div className="grid items-start gap-5 sm:grid-cols-3">
          <TextField name="defaultTag" label="Version to install" required placeholder="4.2.0" hint="The tag (or chart version) install instructions name; never latest." spellCheck={false} />
          {mode === 'create' ? (
            <SelectField
              name="chartOf"
              label="Kind"
              options={[{ value: '', label: 'Container image' }, ...images.map((name) => ({ value: name, label: `Helm chart of ${name}` }))]}
            />
          ) : null}
          <SelectField name="redirectMode" label="Blob redirects" options={redirectModes} />
        </div>
      </fieldset>
      {readOnly ? (
        <p className="text-sm text-muted-foreground">Only staff admins change repositories and upstream credentials.</p>
      ) : (
        <div className="flex flex-wrap justify-end gap-2">
          <LinkButton href="/admin/repositories" variant="secondary">
            {mode === 'create' ? 'Cancel' : 'Back'}
          </LinkButton>
          <SubmitButton pending={pending}>{mode === 'create' ? 'Register repository' : 'Save changes'}</SubmitButton>
        </div>
      )}
    </Form>
  );
}
