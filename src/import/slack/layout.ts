import type { SkippedItem } from './summary.ts';

/** The list files at an export's root, in the order they are read. */
export const listFileNames = [
  'users.json',
  'channels.json',
  'groups.json',
  'dms.json',
  'mpims.json',
];

/** Files a full export may hold that stek has no place for. */
const ignoredFiles: Record<string, string> = {
  'integration_logs.json': 'integration logs are not imported',
  'canvases.json': 'canvases are not imported',
  'org_users.json': 'organization users are not imported',
};

const dayFilePattern = /^\d{4}-\d{2}-\d{2}\.json$/;

/** What an export's file listing holds, sorted out. Paths are the source's own. */
export interface ExportLayout {
  /** The folder holding users.json and the rest, `''` or ending in `/`. */
  root: string;
  /** List files present, by name (`users.json`…). */
  lists: Map<string, string>;
  /** Conversation folders by folder name, each with its day files in date order. */
  folders: Map<string, string[]>;
  /** Files that are not part of the format, or not imported. */
  unknown: SkippedItem[];
}

/** Finder and archiver clutter, never worth a report. */
function isClutter(path: string): boolean {
  return path.startsWith('__MACOSX/') || path.split('/').some((part) => part.startsWith('.'));
}

function findRoot(paths: string[]): string | undefined {
  let best: string | undefined;
  for (const path of paths) {
    const slash = path.lastIndexOf('/');
    if (!listFileNames.includes(path.slice(slash + 1))) continue;
    const folder = path.slice(0, slash + 1);
    if (best === undefined || folder.split('/').length < best.split('/').length) best = folder;
  }
  return best;
}

/**
 * Sorts a listing into list files, conversation folders and the rest. Tolerates an export
 * zipped inside a folder of its own. `undefined` when no list file is found at all.
 */
export function readLayout(paths: string[]): ExportLayout | undefined {
  const wanted = paths.filter((path) => !isClutter(path));
  const root = findRoot(wanted);
  if (root === undefined) return undefined;
  const layout: ExportLayout = { root, lists: new Map(), folders: new Map(), unknown: [] };
  for (const path of wanted) {
    const rel = path.slice(root.length);
    const parts = rel.split('/');
    if (!path.startsWith(root)) {
      layout.unknown.push({ path, reason: 'outside the export folder' });
    } else if (parts.length === 1 && listFileNames.includes(rel)) {
      layout.lists.set(rel, path);
    } else if (parts.length === 1) {
      layout.unknown.push({ path: rel, reason: ignoredFiles[rel] ?? 'not a file of the format' });
    } else if (parts.length === 2 && dayFilePattern.test(parts[1]!)) {
      let days = layout.folders.get(parts[0]!);
      if (!days) layout.folders.set(parts[0]!, (days = []));
      days.push(path);
    } else {
      layout.unknown.push({ path: rel, reason: 'not a day file (YYYY-MM-DD.json)' });
    }
  }
  for (const days of layout.folders.values()) days.sort();
  return layout;
}
