import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { ValidationError } from './errors';
import { moneyNameConflicts, withFenNames } from '../../domain/shared/money-names';

/** The field builders of every request schema (text without control characters, real dates, http(s) URLs). */
export * from '../../domain/shared/fields';

/** Schemas for the parts of a request; each part present is parsed and replaced by its parsed value. */
export interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

/**
 * Validates a request with zod before the handler runs. A failure reaches the error middleware as a ZodError
 * (answered 400 naming the field). Parsed values replace `req.body`, `req.query` and `req.params`, so handlers
 * read coerced, defaulted values.
 */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, _res, next) => {
    if (schemas.params) req.params = schemas.params.parse(req.params) as typeof req.params;
    // Express 5 exposes req.query through a getter; an own property shadows it with the parsed value.
    if (schemas.query)
      Object.defineProperty(req, 'query', {
        value: schemas.query.parse(req.query),
        writable: true,
        configurable: true,
      });
    if (schemas.body) req.body = schemas.body.parse(req.body ?? {});
    next();
  };
}

/** The path of the first string (value or key) holding U+0000 in a parsed JSON value or query, if any. */
function pathOfNul(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = pathOfNul(inner, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses U+0000 anywhere in a JSON body or query string, before any schema: PostgreSQL cannot store it in text
 * or jsonb, and free-form parts (task data, workflow payloads) reach the database without a text schema.
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  for (const [part, value] of [
    ['body', req.body],
    ['query', req.query],
  ] as const) {
    const path = pathOfNul(value);
    if (path) {
      const field = path.length ? path.join('.') : part;
      return next(new ValidationError(`${field}: must not contain NUL (U+0000)`, field));
    }
  }
  if (req.path.includes('\u0000')) return next(new ValidationError('the path must not contain NUL (U+0000)'));
  next();
};

/**
 * Accepts the old money names of a JSON body (`amountMinor`, `creditLimitMinor`, … at any depth, task data
 * included) beside the current `…Fen` ones while clients move over, so every schema and handler sees only
 * `…Fen`. Both names with different values are refused (400 naming the field); responses say only `…Fen`.
 */
export const acceptOldMoneyNames: RequestHandler = (req, _res, next) => {
  if (req.body === null || typeof req.body !== 'object') return next();
  const [conflict] = moneyNameConflicts(req.body);
  if (conflict) {
    const at = conflict.path.length ? `${conflict.path.join('.')}.` : '';
    return next(
      new ValidationError(
        `${at}${conflict.name}: differs from ${at}${conflict.oldName} (its old name); send one of them`,
        `${at}${conflict.name}`,
      ),
    );
  }
  req.body = withFenNames(req.body);
  next();
};
