import 'server-only';
/**
 * What every server action answers to a form (`useActionState`).
 * `fieldErrors` maps a form field's name to its messages.
 */
export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; /** HTTP-like: 400 invalid, 403, 404, 409; 500 unexpected. */ status?: number };

export type ActionState<T = undefined> = ActionResult<T> | null;
