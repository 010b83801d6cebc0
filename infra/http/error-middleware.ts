import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { AppError, type ErrorCode } from './errors';

/** PostgreSQL SQLSTATEs raised by input the schemas let through, with what to tell the caller. */
const INPUT_SQL_STATES: Record<string, string> = {
  '22P05': 'the request contains a character that cannot be stored (NUL or an unpaired surrogate)',
  '22021': 'the request contains a byte sequence that is not valid text',
  '22007': 'the request contains a date or time in a form that is not understood',
  '22008': 'the request contains a date or time that is out of range',
};

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/** Answers 404 for routes nobody serves. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `no route for ${req.method} ${req.originalUrl.split('?')[0]}` },
  };
  res.status(404).json(body);
};

/**
 * The one error middleware: zod → 400 naming the field, AppError → its status, malformed JSON → 400,
 * anything else → logged, then a generic 500 (internal details never reach the caller).
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body } = describe(err);
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(status).json(body);
  };
}

function describe(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : undefined;
    const message = field ? `${field}: ${issue.message}` : (issue?.message ?? 'invalid request');
    return { status: 400, body: { error: { code: 'validation_failed', message, field } } };
  }
  if (err instanceof AppError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, field: err.field } } };
  }
  // The router could not percent-decode a path parameter (invalid UTF-8 such as %ED%A0%80).
  if (err instanceof URIError) {
    return {
      status: 400,
      body: { error: { code: 'validation_failed', message: 'the path is not valid percent-encoded UTF-8' } },
    };
  }
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser errors: malformed JSON, body too large.
  if (e?.type === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: 'validation_failed', message: 'request body is not valid JSON' } } };
  }
  if (e?.type === 'entity.too.large') {
    return { status: 413, body: { error: { code: 'payload_too_large', message: 'request body is too large' } } };
  }
  // A last line behind the schemas: text or dates PostgreSQL cannot take are the caller's input, not our failure.
  const sqlState = (err as { code?: unknown })?.code;
  if (typeof sqlState === 'string' && sqlState in INPUT_SQL_STATES) {
    return { status: 400, body: { error: { code: 'validation_failed', message: INPUT_SQL_STATES[sqlState] } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}
