'use client';

import { useActionState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

export type ChecklistToggleProps = {
  orgId: string;
  slug: string;
  itemKey: string;
  label: string;
  done: boolean;
  action: (state: ActionState, formData: FormData) => Promise<ActionResult>;
};

/** Ticks or unticks one onboarding item. */
export function ChecklistToggle({ orgId, slug, itemKey, label, done, action }: ChecklistToggleProps) {
  const [, dispatch, pending] = useActionState<ActionState, FormData>(async (previous, formData) => {
    const result = await action(previous, formData);
    if (!result.ok) toast.error(result.error);
    return result;
  }, null);
  return (
    <form action={dispatch}>
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="key" value={itemKey} />
      <input type="hidden" name="done" value={done ? 'false' : 'true'} />
      <Button type="submit" variant={done ? 'ghost' : 'secondary'} size="sm" loading={pending}>
        {done ? 'Undo' : 'Mark done'}
        <span className="sr-only">: {label}</span>
      </Button>
    </form>
  );
}
