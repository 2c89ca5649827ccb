'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextAreaField, TextField } from '@/components/forms';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

export function MaxTokenDaysForm({ action, maxDays, readOnly }: { action: Action; maxDays: number; readOnly: boolean }) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} values={{ maxDays: String(maxDays) }} className="flex flex-col gap-3 space-y-0 sm:flex-row sm:items-end" noValidate>
      <TextField
        name="maxDays"
        label="Longest token lifetime (days)"
        type="number"
        min={1}
        max={3650}
        disabled={readOnly}
        hint="New tokens default to 365 days or this, whichever is shorter. Existing tokens keep their expiry."
        className="flex-1"
        inputClassName="w-32"
      />
      {readOnly ? null : (
        <SubmitButton pending={pending} variant="secondary" className="sm:mb-6">
          Save
        </SubmitButton>
      )}
    </Form>
  );
}

export function InstructionSettingsForm({ action, values, readOnly }: { action: Action; values: { vendorContact: string }; readOnly: boolean }) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} values={values} noValidate>
      <fieldset disabled={readOnly} className="grid items-start gap-5 sm:grid-cols-2">
        <legend className="sr-only">Instruction settings</legend>
        <TextField name="vendorContact" label="Support contact" hint="Fills {{vendorContact}} in troubleshooting." />
      </fieldset>
      {readOnly ? null : (
        <div className="flex justify-end">
          <SubmitButton pending={pending} variant="secondary">
            Save
          </SubmitButton>
        </div>
      )}
    </Form>
  );
}

export function TemplateForm({
  action,
  resetAction,
  template,
  readOnly,
}: {
  action: Action;
  resetAction: Action;
  template: { key: string; title: string; body: string; customized: boolean };
  readOnly: boolean;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} values={{ key: template.key, title: template.title, body: template.body }} noValidate>
      <input type="hidden" name="key" value={template.key} />
      <fieldset disabled={readOnly} className="space-y-4">
        <legend className="sr-only">{template.title}</legend>
        <TextField name="title" label="Title" maxLength={100} />
        <TextAreaField name="body" label="Text (Markdown)" rows={14} spellCheck={false} inputClassName="font-mono text-[13px] leading-5" />
      </fieldset>
      {readOnly ? null : (
        <div className="flex flex-wrap justify-end gap-2">
          {template.customized ? (
            <ConfirmDialog
              title={`Reset "${template.title}" to the default text?`}
              confirmLabel="Reset"
              action={resetAction}
              fields={{ key: template.key }}
              trigger={{ label: 'Reset to default', variant: 'ghost' }}
            >
              Your edits to this section are replaced by the text Portcullis ships with.
            </ConfirmDialog>
          ) : null}
          <SubmitButton pending={pending}>Save section</SubmitButton>
        </div>
      )}
    </Form>
  );
}
