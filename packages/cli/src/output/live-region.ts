import { visibleLength } from './color.ts';

export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * A few status lines kept at the bottom of a terminal and redrawn in place, while other
 * output (log lines) scrolls above them. Lines are cut to the terminal width so a
 * redraw never has to account for wrapping.
 */
export class LiveRegion {
  readonly #sink: TextSink;
  readonly #columns: () => number;
  #lines: string[] = [];
  #drawn = 0;

  constructor(sink: TextSink, columns: () => number = () => 80) {
    this.#sink = sink;
    this.#columns = columns;
  }

  /** Prints permanent text above the live lines. */
  print(text: string): void {
    this.#clear();
    this.#sink.write(text.endsWith('\n') ? text : `${text}\n`);
    this.#draw();
  }

  update(lines: string[]): void {
    this.#clear();
    this.#lines = lines;
    this.#draw();
  }

  /** Leaves the last lines on screen as ordinary output and stops redrawing them. */
  finish(): void {
    this.#drawn = 0;
    this.#lines = [];
  }

  /** Removes the live lines from the screen. */
  clear(): void {
    this.#clear();
    this.#lines = [];
  }

  #clear(): void {
    if (this.#drawn === 0) return;
    // Cursor up to the first live line, column 1, then erase to the end of the screen.
    this.#sink.write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }

  #draw(): void {
    if (this.#lines.length === 0) return;
    const width = Math.max(20, this.#columns() - 1);
    const text = this.#lines
      .map((line) => (visibleLength(line) > width ? cut(line, width) : line))
      .join('\n');
    this.#sink.write(`${text}\n`);
    this.#drawn = this.#lines.length;
  }
}

function cut(line: string, width: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strip ANSI before cutting
  const plain = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return `${plain.slice(0, width - 1)}…`;
}
