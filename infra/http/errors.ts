/** The error codes the API answers with, and their HTTP statuses. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  'csrf-origin-mismatch': 403,
  not_found: 404,
  payload_too_large: 413,
  conflict: 409,
  business_rule: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error whose message is safe to show the caller; the error middleware answers with its code and status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** 404: the record does not exist (or the caller may not know it exists). */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** 409: the request conflicts with the current state (already done, already started). */
export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** 422: a business rule forbids the request. */
export class BusinessRuleError extends AppError {
  constructor(message: string, field?: string) {
    super('business_rule', message, field);
  }
}

/** 401: no valid credentials. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'authentication required') {
    super('unauthenticated', message);
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends AppError {
  constructor(message = 'not allowed for your role') {
    super('forbidden', message);
  }
}

/** 400 raised by hand (zod errors are mapped to the same shape). */
export class ValidationError extends AppError {
  constructor(message: string, field?: string) {
    super('validation_failed', message, field);
  }
}
