/**
 * Receiving multipart uploads without holding them in memory. Each file streams to a temporary file under
 * DATA_DIR, hashed on the way; a request above its route's cap is refused with 413 (from Content-Length before
 * a byte is read, or as soon as the bytes pass the cap); the bytes all uploads of the process may have in flight
 * are budgeted, and a request that does not fit is refused with 429 before it is read. A body that is not
 * well-formed multipart is a 400. Temporary files are removed when the response ends: handlers move the files
 * they keep (`rename`, same file system).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestHandler } from 'express';
import busboy from 'busboy';
import { AppError, ValidationError } from './errors';

/** One uploaded file, on disk until the response ends. */
export interface ReceivedFile {
  /** The form field it came in. */
  field: string;
  /** The name the client gave it (may be empty). */
  name: string;
  /** Temporary path; move it to keep the file. */
  path: string;
  bytes: number;
  /** sha256 of the content, hex. */
  sha256: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The files of a multipart request, set by {@link receiveMultipart}. */
    uploads?: ReceivedFile[];
  }
}

/** The upload bytes the whole process accepts at once; a request reserves its size before it is read. */
export class UploadBudget {
  private reserved = 0;

  constructor(readonly maxBytes: number) {}

  /** Reserves `bytes` if they fit. */
  tryReserve(bytes: number): boolean {
    if (this.reserved + bytes > this.maxBytes) return false;
    this.reserved += bytes;
    return true;
  }

  release(bytes: number): void {
    this.reserved -= bytes;
  }

  get bytesInFlight(): number {
    return this.reserved;
  }
}

/** Where a process receives uploads: the shared budget and the temporary folder. */
export interface UploadPlace {
  budget: UploadBudget;
  tmpDir: string;
}

/** The process's upload place: temporary files in DATA_DIR/tmp/uploads (the same file system as the stored files). */
export function createUploadPlace(options: { dataDir: string; maxInFlightBytes: number }): UploadPlace {
  const tmpDir = join(options.dataDir, 'tmp', 'uploads');
  mkdirSync(tmpDir, { recursive: true });
  return { budget: new UploadBudget(options.maxInFlightBytes), tmpDir };
}

/** What one route accepts. */
export interface MultipartRules {
  /** File fields, each with the number of files it may carry. */
  fileFields: Record<string, number>;
  maxFileBytes: number;
  maxFields: number;
  maxFieldBytes: number;
  /** The whole request body; 413 beyond. */
  maxRequestBytes: number;
  /** The 400 message for a file above `maxFileBytes`. */
  fileTooLarge?: (field: string) => string;
  /** The 400 message for more files than a field (or the form) takes. */
  tooManyFiles?: (field: string) => string;
}

const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Parses a multipart request under `rules`: `req.body` gets the text fields, `req.uploads` the files. Limit
 * errors are 400s naming the field; storage failures (disk full) stay 500s.
 */
export function receiveMultipart(place: UploadPlace, rules: MultipartRules): RequestHandler {
  const fileFieldNames = Object.keys(rules.fileFields);
  const maxFiles = Object.values(rules.fileFields).reduce((a, b) => a + b, 0);
  const fileTooLarge = rules.fileTooLarge ?? ((field) => `${field}: a file may be at most ${rules.maxFileBytes} bytes`);
  const tooManyFiles = rules.tooManyFiles ?? ((field) => `${field}: too many files`);
  const tooLarge = (size: string) =>
    new AppError(
      'payload_too_large',
      `the request is ${size}; an upload here may be at most ${rules.maxRequestBytes} bytes`,
    );

  return (req, res, next) => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > rules.maxRequestBytes) return next(tooLarge(`${declared} bytes`));
    // A body of unknown length may grow to the cap; no single request waits for more than the whole budget.
    const reserved = Math.min(declared ?? rules.maxRequestBytes, place.budget.maxBytes);
    if (!place.budget.tryReserve(reserved)) {
      res.set('Retry-After', '5');
      return next(
        new AppError('rate_limited', 'the server is receiving too many uploads at once; try again in a few seconds'),
      );
    }

    const files: ReceivedFile[] = [];
    const writing: Promise<void>[] = [];
    const open = new Set<Readable>();
    let storageError: unknown;
    res.on('close', () => {
      place.budget.release(reserved);
      // After every write has settled, so no file is created after its removal.
      void Promise.allSettled(writing).then(() => Promise.all(files.map((f) => rm(f.path, { force: true }))));
    });

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: rules.maxFileBytes,
          files: maxFiles,
          fields: rules.maxFields,
          fieldSize: rules.maxFieldBytes,
          parts: maxFiles + rules.maxFields,
        },
      });
    } catch (error) {
      return next(new ValidationError(`request body is not valid multipart/form-data: ${(error as Error).message}`));
    }

    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      req.unpipe(parser);
      for (const stream of open) stream.destroy();
      req.resume(); // the rest of the body is read and dropped
      next(error);
    };

    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > rules.maxRequestBytes) fail(tooLarge(`more than ${rules.maxRequestBytes} bytes`));
    });
    req.on('error', fail);

    const fields: Record<string, string> = {};
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new ValidationError(`${name}: at most ${rules.maxFieldBytes} bytes`, name));
      if (value.includes('\u0000') || name.includes('\u0000'))
        return fail(new ValidationError(`${name}: must not contain NUL (U+0000)`, name));
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      if (done) return void stream.resume();
      if (!(field in rules.fileFields)) {
        stream.resume();
        return fail(
          new ValidationError(
            `${field}: no file is expected in this field (files go in ${fileFieldNames.join(', ')})`,
            field,
          ),
        );
      }
      if (files.filter((f) => f.field === field).length >= rules.fileFields[field]) {
        stream.resume();
        return fail(new ValidationError(tooManyFiles(field), field));
      }
      const name = info.filename ?? '';
      if (CONTROL_CHARACTERS.test(name)) {
        stream.resume();
        return fail(new ValidationError(`${field}: the file name must not contain control characters`, field));
      }
      const file: ReceivedFile = { field, name, path: join(place.tmpDir, randomUUID()), bytes: 0, sha256: '' };
      files.push(file);
      const hash = createHash('sha256');
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          file.bytes += chunk.length;
          callback(null, chunk);
        },
      });
      stream.on('limit', () => fail(new ValidationError(fileTooLarge(field), field)));
      open.add(stream);
      writing.push(
        pipeline(stream, measure, createWriteStream(file.path)).then(
          () => {
            file.sha256 = hash.digest('hex');
            open.delete(stream);
          },
          (error: unknown) => {
            open.delete(stream);
            if (!done) storageError ??= error;
          },
        ),
      );
    });
    parser.on('filesLimit', () =>
      fail(
        new ValidationError(
          tooManyFiles(fileFieldNames.length === 1 ? fileFieldNames[0] : 'files'),
          fileFieldNames.length === 1 ? fileFieldNames[0] : undefined,
        ),
      ),
    );
    parser.on('fieldsLimit', () => fail(new ValidationError(`the form has more than ${rules.maxFields} fields`)));
    parser.on('partsLimit', () =>
      fail(new ValidationError(`the form has more than ${maxFiles + rules.maxFields} parts`)),
    );
    parser.on('error', (error: Error) =>
      fail(new ValidationError(`request body is not valid multipart/form-data: ${error.message}`)),
    );
    parser.on('close', () => {
      void Promise.all(writing).then(() => {
        if (done) return;
        if (storageError) return fail(storageError);
        done = true;
        req.body = fields;
        req.uploads = files;
        next();
      });
    });
    req.pipe(parser);
  };
}
