import 'server-only';
/**
 * Errors a service throws on purpose. Their messages are safe to show to the
 * user; anything else is a bug, logged server-side and shown as a generic error.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

export class ValidationError extends AppError {
  readonly fieldErrors: Record<string, string[]>;

  constructor(message: string, fieldErrors: Record<string, string[]> = {}) {
    super(message, 400, 'invalid');
    this.fieldErrors = fieldErrors;
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError(message, { [field]: [message] });
  }
}

/** Also what a foreign tenant gets for an id that exists elsewhere: not found and forbidden look alike. */
export class NotFoundError extends AppError {
  constructor(what = 'Not found') {
    super(what, 404, 'not_found');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do that.') {
    super(message, 403, 'forbidden');
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in to continue.') {
    super(message, 401, 'unauthorized');
  }
}

export class ConflictError extends AppError {
  constructor(message: string, readonly field?: string) {
    super(message, 409, 'conflict');
  }
}

export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, 'rate_limited');
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
