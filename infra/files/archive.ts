/**
 * Reading a customer's upload — a zip archive or a folder — with limits checked before anything is
 * extracted: entry count, total and per-entry uncompressed size, compression ratio; entries with `..`,
 * absolute paths, symlinks or encryption are rejected with an error naming the entry.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import yauzl from 'yauzl';
import type { UploadedFile } from '../../domain/quote/analyze';

/** Bounds on one upload. */
export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Largest uncompressed / compressed ratio for entries above `ratioCheckAboveBytes`. */
  maxCompressionRatio: number;
  ratioCheckAboveBytes: number;
  /** Largest archive file accepted (read into memory). */
  maxArchiveBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 500,
  maxTotalBytes: 200 * 1024 * 1024,
  maxEntryBytes: 50 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioCheckAboveBytes: 1024 * 1024,
  maxArchiveBytes: 100 * 1024 * 1024,
};

/** The upload was refused; `code` is stable, `message` names the entry and the limit. */
export class ArchiveRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveRejectedError';
  }
}

/** Files every CAD tool or OS adds that are never part of a board. */
const JUNK = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

/** Rejects names that would escape the extraction folder. */
function checkEntryName(name: string): void {
  if (name.includes('\0'))
    throw new ArchiveRejectedError('archive-path-unsafe', `entry name contains a NUL byte: ${JSON.stringify(name)}`);
  const normal = name.replace(/\\/g, '/');
  if (normal.startsWith('/') || /^[a-zA-Z]:/.test(normal)) {
    throw new ArchiveRejectedError('archive-path-unsafe', `entry "${name}" has an absolute path`);
  }
  if (normal.split('/').includes('..')) {
    throw new ArchiveRejectedError('archive-path-unsafe', `entry "${name}" climbs out of the archive with ".."`);
  }
}

/** Decodes an entry name: UTF-8 when the flag says so, else CP437 is approximated by Latin-1. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw ?? (entry.fileName as unknown as Buffer);
  if (typeof raw === 'string') return raw;
  return (entry.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString('utf8') : raw.toString('latin1');
}

function isSymlink(entry: yauzl.Entry): boolean {
  const madeByUnix = entry.versionMadeBy >> 8 === 3;
  const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
  return madeByUnix && mode === 0o120000;
}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (err, zip) => {
        if (err || !zip)
          reject(
            new ArchiveRejectedError(
              'archive-corrupt',
              `not a readable zip archive: ${err?.message ?? 'unknown error'}`,
            ),
          );
        else resolve(zip);
      },
    );
  });
}

/** Reads every entry's header (nothing is decompressed) and checks the limits. */
async function listEntries(
  zip: yauzl.ZipFile,
  limits: ArchiveLimits,
): Promise<Array<{ entry: yauzl.Entry; name: string }>> {
  const entries: Array<{ entry: yauzl.Entry; name: string }> = [];
  if (zip.entryCount > limits.maxEntries) {
    throw new ArchiveRejectedError(
      'archive-too-many-entries',
      `the archive has ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`,
    );
  }
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (err: Error) =>
      reject(
        err instanceof ArchiveRejectedError
          ? err
          : new ArchiveRejectedError('archive-corrupt', `corrupt zip archive: ${err.message}`),
      ),
    );
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        const name = entryName(entry);
        checkEntryName(name);
        if (isSymlink(entry))
          throw new ArchiveRejectedError(
            'archive-symlink',
            `entry "${name}" is a symbolic link; links are not accepted`,
          );
        if (!name.endsWith('/')) {
          if (entry.isEncrypted()) throw new ArchiveRejectedError('archive-encrypted', `entry "${name}" is encrypted`);
          if (entry.uncompressedSize > limits.maxEntryBytes) {
            throw new ArchiveRejectedError(
              'archive-entry-too-large',
              `entry "${name}" is ${entry.uncompressedSize} bytes uncompressed; at most ${limits.maxEntryBytes} per file`,
            );
          }
          total += entry.uncompressedSize;
          if (total > limits.maxTotalBytes) {
            throw new ArchiveRejectedError(
              'archive-too-large',
              `the archive expands to more than ${limits.maxTotalBytes} bytes`,
            );
          }
          const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
          if (entry.uncompressedSize > limits.ratioCheckAboveBytes && ratio > limits.maxCompressionRatio) {
            throw new ArchiveRejectedError(
              'archive-compression-ratio',
              `entry "${name}" expands ${Math.round(ratio)}:1; at most ${limits.maxCompressionRatio}:1 is accepted`,
            );
          }
          if (!JUNK.test(name)) entries.push({ entry, name });
        }
        zip.readEntry();
      } catch (err) {
        reject(err);
      }
    });
    zip.readEntry();
  });
  return entries;
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, limits: ArchiveLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream)
        return reject(new ArchiveRejectedError('archive-corrupt', `entry "${name}" cannot be read: ${err?.message}`));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // yauzl also validates declared sizes; this bounds memory even if a header lies.
        if (size > limits.maxEntryBytes)
          stream.destroy(
            new ArchiveRejectedError(
              'archive-entry-too-large',
              `entry "${name}" expands beyond ${limits.maxEntryBytes} bytes`,
            ),
          );
        else chunks.push(chunk);
      });
      stream.on('error', (e: Error) =>
        reject(
          e instanceof ArchiveRejectedError
            ? e
            : new ArchiveRejectedError('archive-corrupt', `entry "${name}": ${e.message}`),
        ),
      );
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Checks a zip's directory against the limits without extracting (also used for XLSX, which is a zip). */
export async function inspectZip(buffer: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<string[]> {
  const zip = await openZip(buffer);
  try {
    return (await listEntries(zip, limits)).map((e) => e.name);
  } finally {
    zip.close();
  }
}

/** Checks a zip file on disk like {@link inspectZip}, reading only its directory (an upload is never loaded whole). */
export async function inspectZipFile(path: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (err, opened) => {
        if (err || !opened)
          reject(
            new ArchiveRejectedError(
              'archive-corrupt',
              `not a readable zip archive: ${err?.message ?? 'unknown error'}`,
            ),
          );
        else resolve(opened);
      },
    );
  });
  try {
    return (await listEntries(zip, limits)).map((e) => e.name);
  } finally {
    zip.close();
  }
}

/** Extracts a zip held in memory, after checking every entry against the limits. */
export async function readZip(buffer: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<UploadedFile[]> {
  if (buffer.length > limits.maxArchiveBytes) {
    throw new ArchiveRejectedError(
      'archive-too-large',
      `the archive is ${buffer.length} bytes; at most ${limits.maxArchiveBytes} are accepted`,
    );
  }
  const zip = await openZip(buffer);
  try {
    const entries = await listEntries(zip, limits);
    const files: UploadedFile[] = [];
    for (const { entry, name } of entries) files.push({ file: name, data: await readEntry(zip, entry, name, limits) });
    return files;
  } finally {
    zip.close();
  }
}

/** Reads a folder recursively (paths relative to it, with `/`), refusing symlinks and applying the same limits. */
export async function readFolder(
  root: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<UploadedFile[]> {
  const found: Array<{ path: string; name: string }> = [];
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      const name = relative(root, path).split(sep).join('/');
      const info = await lstat(path);
      if (info.isSymbolicLink())
        throw new ArchiveRejectedError('archive-symlink', `"${name}" is a symbolic link; links are not accepted`);
      if (info.isDirectory()) {
        await walk(path);
        continue;
      }
      if (!info.isFile() || JUNK.test(name)) continue;
      if (found.length + 1 > limits.maxEntries)
        throw new ArchiveRejectedError(
          'archive-too-many-entries',
          `the folder has more than ${limits.maxEntries} files`,
        );
      if (info.size > limits.maxEntryBytes)
        throw new ArchiveRejectedError(
          'archive-entry-too-large',
          `"${name}" is ${info.size} bytes; at most ${limits.maxEntryBytes} per file`,
        );
      total += info.size;
      if (total > limits.maxTotalBytes)
        throw new ArchiveRejectedError('archive-too-large', `the folder holds more than ${limits.maxTotalBytes} bytes`);
      found.push({ path, name });
    }
  };
  await walk(root);
  found.sort((a, b) => a.name.localeCompare(b.name));
  return Promise.all(found.map(async ({ path, name }) => ({ file: name, data: await readFile(path) })));
}
