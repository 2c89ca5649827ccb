import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import type { ActionResult } from '@/lib/platform/action-result';
import type { Actor } from '@/lib/identity/auth/actor';
import { currentActor, currentStaffActor } from '@/lib/identity/auth/session';
import { isAppError, ValidationError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import type { StaffPermission } from '@/lib/identity/rbac/permissions';

/** FormData to a plain object; repeated keys (checkbox groups, multi-selects) become arrays. */
export function formDataToObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const values = formData.getAll(key).filter((value): value is string => typeof value === 'string');
    out[key] = values.length > 1 || key.endsWith('[]') ? values : values[0];
  }
  return out;
}

/** Maps anything a service throws to what a form shows; unexpected errors are logged, never shown. */
export function toActionError(error: unknown): ActionResult<never> {
  unstable_rethrow(error); // redirect() and notFound() are control flow, not errors
  if (error instanceof z.ZodError) {
    return { ok: false, error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(error), status: 400 };
  }
  if (error instanceof ValidationError) {
    return { ok: false, error: error.message, fieldErrors: error.fieldErrors, status: error.status };
  }
  if (isAppError(error)) {
    const field = (error as { field?: string }).field;
    return { ok: false, error: error.message, fieldErrors: field ? { [field]: [error.message] } : undefined, status: error.status };
  }
  log.error({ err: error }, 'server action failed');
  return { ok: false, error: 'Something went wrong on our side. Please try again.', status: 500 };
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

type Handler<S extends z.ZodType, T, A> = (input: z.output<S>, actor: A) => Promise<{ data?: T; message?: string } | void>;

/** What every form action shares: who acts, then the form parsed with `schema`, then `handler`; anything thrown becomes an ActionResult. */
function actionFor<S extends z.ZodType, T, A>(schema: S, resolveActor: () => Promise<A>, handler: Handler<S, T, A>) {
  return async (_previous: unknown, formData: FormData): Promise<ActionResult<T>> => {
    try {
      const actor = await resolveActor();
      const input = await schema.parseAsync(formDataToObject(formData));
      const result = (await handler(input, actor)) ?? {};
      return { ok: true, data: result.data as T, message: result.message };
    } catch (error) {
      return toActionError(error);
    }
  };
}

/**
 * A server action for a form: parses FormData with `schema`, resolves the
 * signed-in actor, runs `handler`, and answers an ActionResult. Permission
 * checks stay in the services the handler calls.
 */
export function formAction<S extends z.ZodType, T = undefined>(schema: S, handler: Handler<S, T, Actor>, options: { staff?: StaffPermission } = {}) {
  return actionFor(schema, () => (options.staff ? currentStaffActor(options.staff) : currentActor()), handler);
}

/**
 * A form action for someone not signed in yet (sign-in, password reset, an
 * invitation): the same parsing and answers as formAction, with no actor.
 */
export function signedOutAction<S extends z.ZodType, T = undefined>(schema: S, handler: (input: z.output<S>) => Promise<{ data?: T; message?: string } | void>) {
  return actionFor(schema, async () => null, (input) => handler(input));
}

/**
 * A form action for vendor staff only (every action in app/(admin), and any
 * staff-only action elsewhere): anyone without `permission` is refused
 * before the form is read, so a customer learns nothing from the ids they
 * send. The admin sweep (dev/sweeps) finds these by this name.
 */
export function staffAction<S extends z.ZodType, T = undefined>(
  permission: StaffPermission,
  schema: S,
  handler: (input: z.output<S>, actor: Actor) => Promise<{ data?: T; message?: string } | void>,
) {
  return formAction(schema, handler, { staff: permission });
}
