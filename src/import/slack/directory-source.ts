// Node-only: the CLI reads exports from disk through this; the importer itself sees only an
// ExportSource.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createZipSource, looksLikeZip, type ExportSource } from './export-source.ts';

/** An unpacked export in a folder. */
export function createDirectorySource(root: string): ExportSource {
  return {
    async listFiles() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
    },
    async readFile(path) {
      return readFile(join(root, ...path.split('/')));
    },
  };
}

/** Thrown when a path is neither a folder nor a zip file. */
export class ExportPathError extends Error {
  override name = 'ExportPathError';
}

/** Opens a path as an export: a folder as it is, a file as a zip. */
export async function openExportPath(path: string): Promise<ExportSource> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new ExportPathError(`cannot read ${path}: ${err.code ?? err.message}`, { cause: err });
  });
  if (info.isDirectory()) return createDirectorySource(path);
  const bytes = await readFile(path);
  if (!looksLikeZip(bytes)) throw new ExportPathError(`${path} is neither a folder nor a zip file`);
  return createZipSource(bytes);
}
