/**
 * Receiving multipart uploads: multer's limit errors become 400s naming the field, and a body that is not
 * well-formed multipart (no boundary, a broken part header, a truncated body) is a 400 rather than a 500.
 */
import type { RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError } from './errors';

/** Turns a multer limit error into the message the caller sees (the field and the limit). */
export type DescribeLimit = (error: multer.MulterError) => ValidationError;

/** Runs a multer middleware and answers its errors as the API's 400s. */
export function receiveMultipart(upload: RequestHandler, describeLimit: DescribeLimit): RequestHandler {
  return (req, res, next) => {
    upload(req, res, (error: unknown) => {
      if (!error) return next(refuseUnsafeNames(req.files ?? (req.file ? [req.file] : [])));
      if (error instanceof multer.MulterError) return next(describeLimit(error));
      // busboy's parse errors carry no errno; storage failures (disk full, permissions) do and stay 500s.
      if (error instanceof Error && !(error as NodeJS.ErrnoException).syscall) {
        return next(new ValidationError(`request body is not valid multipart/form-data: ${error.message}`));
      }
      next(error);
    });
  };
}

/** A file name with control characters is refused (it would reach the database, mails and Content-Disposition). */
function refuseUnsafeNames(files: Express.Multer.File[] | Record<string, Express.Multer.File[]>): ValidationError | undefined {
  const all = Array.isArray(files) ? files : Object.values(files).flat();
  const unsafe = all.find((f) => /[\u0000-\u001F\u007F-\u009F]/.test(f.originalname));
  return unsafe ? new ValidationError(`${unsafe.fieldname}: the file name must not contain control characters`, unsafe.fieldname) : undefined;
}
