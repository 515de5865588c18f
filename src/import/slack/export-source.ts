import { unzipSync } from 'fflate';

/** Where an export's files come from: a zip in memory, a folder on disk, or anything else. */
export interface ExportSource {
  /** Every file's path, `/`-separated, relative to the source's root. */
  listFiles(): Promise<string[]>;
  readFile(path: string): Promise<Uint8Array>;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/**
 * An export zipped in memory. Files are inflated one folder at a time when first read, and the
 * previous folder is dropped, so memory holds the zip plus one conversation, not the whole
 * export inflated.
 */
export function createZipSource(zip: Uint8Array): ExportSource {
  let cachedFolder: string | undefined;
  let cached: Record<string, Uint8Array> = {};

  return {
    async listFiles() {
      const names: string[] = [];
      unzipSync(zip, {
        filter(file) {
          if (!file.name.endsWith('/')) names.push(file.name);
          return false;
        },
      });
      return names;
    },
    async readFile(path) {
      const folder = folderOf(path);
      if (folder !== cachedFolder) {
        // Files at the root are few and small; a conversation folder is read whole anyway.
        cached = unzipSync(zip, {
          filter: (file) => folderOf(file.name) === folder && !file.name.endsWith('/'),
        });
        cachedFolder = folder;
      }
      const data = cached[path];
      if (!data) throw new Error(`${path} is not in the zip`);
      return data;
    },
  };
}

/** Whether bytes start like a zip archive (a local file header, or an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}
