'use client';

import { CheckboxField, TextAreaField, TextField } from '@/components/forms';
import { useFieldErrors } from '@/components/forms/form';
import { FieldErrors } from '@/components/ui/field';
import type { ButtonSize, ButtonVariant } from '@/components/ui/button';
import { FormDialog } from '@/components/forms/form-dialog';
import { createRoleAction, updateRoleAction } from './actions';

export type PermissionGroup = { resource: string; permissions: { key: string; label: string; implied: boolean; held: boolean }[] };

function PermissionsFieldset({ groups }: { groups: readonly PermissionGroup[] }) {
  const errors = useFieldErrors('permissions', undefined);
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-sm font-medium">Permissions</legend>
      {errors?.length ? <FieldErrors id="permissions-error" errors={errors} /> : null}
      <div className="grid gap-x-6 gap-y-4 sm:grid-cols-2">
        {groups.map((group) => (
          <div key={group.resource} className="space-y-2">
            <p className="text-xs font-medium tracking-wide text-muted-foreground uppercase">{group.resource}</p>
            {group.permissions.map((permission) => (
              <CheckboxField
                key={permission.key}
                name="permissions"
                value={permission.key}
                label={permission.label}
                hint={permission.implied ? 'Every member has this.' : permission.held ? <code className="text-xs">{permission.key}</code> : 'You do not hold this, so you cannot grant it.'}
                disabled={permission.implied || !permission.held}
                defaultChecked={permission.implied ? true : undefined}
              />
            ))}
          </div>
        ))}
      </div>
    </fieldset>
  );
}

export function RoleEditorButton({
  orgId,
  groups,
  role,
  trigger,
}: {
  orgId: string;
  groups: readonly PermissionGroup[];
  role?: { id: string; name: string; description: string | null; permissions: readonly string[] };
  trigger: { label: string; variant?: ButtonVariant; size?: ButtonSize; 'aria-label'?: string };
}) {
  return (
    <FormDialog<{ id: string }>
      title={role ? `Edit ${role.name}` : 'New custom role'}
      description="Compose the role from permissions. Changes apply at once to everyone holding it."
      trigger={trigger}
      action={role ? updateRoleAction : createRoleAction}
      fields={role ? { orgId, roleId: role.id } : { orgId }}
      values={role ? { name: role.name, description: role.description, permissions: role.permissions } : undefined}
      submitLabel={role ? 'Save role' : 'Create role'}
      size="lg"
    >
      <TextField name="name" label="Name" required maxLength={48} placeholder="QA Engineer" data-autofocus />
      <TextAreaField name="description" label="Description" rows={2} maxLength={280} />
      <PermissionsFieldset groups={groups} />
    </FormDialog>
  );
}
