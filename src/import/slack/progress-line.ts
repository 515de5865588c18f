import type { ImportProgress } from './import-slack.ts';
import type { ImportCounts, ImportSummary } from './summary.ts';

export interface ProgressWriter {
  write(text: string): unknown;
  isTTY?: boolean;
}

const barWidth = 24;
const redrawEveryMs = 100;

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Shows an import's progress: a bar redrawn in place on a terminal, or one plain line per
 * finished conversation otherwise (logs, CI). `finish` clears the bar.
 */
export function createProgressReporter(out: ProgressWriter, clock: () => number = Date.now) {
  let lastDraw = 0;
  let drawn = false;

  function drawBar(p: ImportProgress): void {
    const fraction = p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
    const filled = Math.round(fraction * barWidth);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
    const where = p.conversation ? `  ${p.conversation}` : '';
    const line =
      `[${bar}] ${String(Math.round(fraction * 100)).padStart(3)}%  ` +
      `${p.conversationsDone}/${p.conversationsTotal} conversations  ` +
      `${formatCount(p.messages)} messages${where}`;
    out.write(`\r\x1b[K${line.slice(0, 160)}`);
    drawn = true;
  }

  return {
    update(p: ImportProgress): void {
      if (!out.isTTY) {
        if (p.finished && p.conversation) {
          out.write(
            `imported ${p.conversation} (${p.conversationsDone}/${p.conversationsTotal}), ` +
              `${formatCount(p.messages)} messages so far\n`,
          );
        }
        return;
      }
      const t = clock();
      if (p.phase !== 'done' && !p.finished && t - lastDraw < redrawEveryMs) return;
      lastDraw = t;
      drawBar(p);
    },
    finish(): void {
      if (drawn) out.write('\r\x1b[K');
    },
  };
}

const rows: Array<[keyof ImportCounts, string]> = [
  ['users', 'users'],
  ['channels', 'channels'],
  ['dms', 'dms'],
  ['members', 'members'],
  ['messages', 'messages'],
  ['replies', 'replies'],
  ['reactions', 'reactions'],
  ['system', 'system events'],
];

/** The summary as a small table for people, with what was skipped and why. */
export function formatSummary(summary: ImportSummary): string {
  const lines = [`imported in ${(summary.durationMs / 1000).toFixed(1)} s`];
  lines.push(`  ${''.padEnd(14)}${'new'.padStart(10)}${'already there'.padStart(16)}`);
  for (const [key, label] of rows) {
    lines.push(
      `  ${label.padEnd(14)}${formatCount(summary.created[key]).padStart(10)}` +
        `${formatCount(summary.existing[key]).padStart(16)}`,
    );
  }
  lines.push(`  ${'skipped'.padEnd(14)}${formatCount(summary.skippedCount).padStart(10)}`);
  for (const item of summary.skipped) {
    const at = item.index !== undefined ? ` [${item.index}]` : item.ts ? ` (ts ${item.ts})` : '';
    lines.push(`    ${item.path}${at}: ${item.reason}`);
  }
  if (summary.skippedCount > summary.skipped.length) {
    lines.push(`    … and ${summary.skippedCount - summary.skipped.length} more`);
  }
  return lines.join('\n');
}
