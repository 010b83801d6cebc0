import type { RequestHandler } from 'express';
import type { z } from 'zod';

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
    if (schemas.query) Object.defineProperty(req, 'query', { value: schemas.query.parse(req.query), writable: true, configurable: true });
    if (schemas.body) req.body = schemas.body.parse(req.body ?? {});
    next();
  };
}
