import { createLogUpdate } from 'log-update';
import { visibleLength } from './color.ts';

export interface TextSink {
  write(chunk: string): unknown;
  columns?: number;
  rows?: number;
  isTTY?: boolean;
}

/** Regions with lines on screen, so a signal handler can print above them or clear them (bin.ts). */
const shown = new Set<LiveRegion>();

/**
 * A few status lines kept at the bottom of a terminal and redrawn in place, while other
 * output (log lines) scrolls above them. The redrawing is log-update's (it tracks how many
 * screen lines a frame took, wrapping included, and erases exactly those); this class only
 * remembers the lines so they come back below text printed above them, and forgets them for
 * good once the run's summary is next.
 */
export class LiveRegion {
  readonly #render: ReturnType<typeof createLogUpdate>;
  readonly #sink: TextSink;
  readonly #columns: () => number;
  #lines: string[] = [];

  constructor(sink: TextSink, columns: () => number = () => sink.columns || 80) {
    this.#sink = sink;
    this.#columns = columns;
    // log-update reads the width from the stream on every frame; the getter keeps it live.
    const stream = {
      write: (chunk: string) => sink.write(chunk),
      get columns() {
        return columns();
      },
      // A terminal that reports no size (0 x 0, e.g. under `script` or some CI ptys) would make
      // log-update draw nothing at all: 0 means unknown here.
      get rows() {
        return sink.rows || 24;
      },
      isTTY: sink.isTTY === true,
    };
    // showCursor: hiding it would install process-wide signal handlers (cli-cursor) beside ours.
    this.#render = createLogUpdate(stream as unknown as NodeJS.WriteStream, { showCursor: true });
  }

  /**
   * Prints permanent text above the live lines. Written as it is (not through log-update's
   * `persist`, which would hard-wrap a long log line into several when copied from the screen).
   */
  print(text: string): void {
    if (shown.has(this)) this.#render.clear();
    this.#sink.write(text.endsWith('\n') ? text : `${text}\n`);
    if (this.#lines.length > 0) this.#render(this.#lines.join('\n'));
  }

  update(lines: string[]): void {
    // Cut to the width rather than let long lines wrap: a status line stays one line.
    const width = Math.max(20, this.#columns() - 1);
    this.#lines = lines.map((line) => (visibleLength(line) > width ? cut(line, width) : line));
    if (lines.length === 0) {
      this.clear();
      return;
    }
    shown.add(this);
    this.#render(this.#lines.join('\n'));
  }

  /** Leaves the last lines on screen as ordinary output and stops redrawing them. */
  finish(): void {
    this.#render.done();
    this.#lines = [];
    shown.delete(this);
  }

  /** Removes the live lines from the screen; nothing is redrawn until the next `update`. */
  clear(): void {
    if (shown.has(this)) this.#render.clear();
    this.#render.done();
    this.#lines = [];
    shown.delete(this);
  }
}

/** Prints a message above every live region on screen, or with `fallback` when there is none. */
export function printAboveLiveRegions(text: string, fallback: (text: string) => void): void {
  if (shown.size === 0) fallback(text);
  else for (const region of shown) region.print(text);
}

/** Clears every live region, e.g. before the process quits at once on a second Ctrl-C. */
export function clearLiveRegions(): void {
  for (const region of [...shown]) region.clear();
}

function cut(line: string, width: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strip ANSI colours before cutting
  const plain = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return `${plain.slice(0, width - 1)}…`;
}
