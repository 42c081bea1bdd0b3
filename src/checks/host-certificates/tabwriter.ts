/**
 * Go's text/tabwriter, for the one configuration kubeadm uses (`tabwriter.NewWriter(out, 10, 4, 3, ' ', 0)`):
 * cells end at a tab, the text after a line's last tab belongs to no column, and a column is aligned
 * only over the run of consecutive lines that have a cell in it. A line with fewer cells (the blank
 * line between kubeadm's two tables) ends the run, so each table gets its own widths.
 */
export interface TabwriterOptions {
  /** Narrowest column, padding included. */
  minWidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
}

// Go counts runes, not bytes or UTF-16 units.
const widthOf = (cell: string): number => [...cell].length;

export function tabwrite(text: string, opts: TabwriterOptions): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];

  const writeLines = (widths: number[], from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? [];
      cells.forEach((cell, j) => {
        const width = widths[j];
        out.push(width === undefined ? cell : cell + ' '.repeat(Math.max(0, width - widthOf(cell))));
      });
      // The text after the final newline has no newline of its own.
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const hasCell = (line: number, column: number): boolean => column < (lines[line]?.length ?? 0) - 1;

  const format = (widths: number[], from: number, to: number): void => {
    const column = widths.length;
    let printed = from;
    for (let i = from; i < to; i++) {
      if (!hasCell(i, column)) continue;
      writeLines(widths, printed, i);
      let width = opts.minWidth;
      let end = i;
      for (; end < to && hasCell(end, column); end++) {
        width = Math.max(width, widthOf(lines[end]?.[column] ?? '') + opts.padding);
      }
      format([...widths, width], i, end);
      printed = end;
      i = end; // `end` has no cell in this column, so it cannot start a run either.
    }
    writeLines(widths, printed, to);
  };

  format([], 0, lines.length);
  return out.join('');
}
