/**
 * A fake TTY for progress tests: records every byte written and keeps a screen model that
 * understands the few escape sequences live output uses (cursor up/down/left, erase line,
 * erase to end of line or screen, synchronized-output markers), so a test can ask what a
 * person would see, not only what was written.
 */
export class FakeTerminal {
  readonly isTTY = true;
  columns: number;
  rows = 40;
  written = '';
  readonly #screen: string[] = [''];
  #row = 0;
  #column = 0;

  constructor(columns = 120) {
    this.columns = columns;
  }

  write = (chunk: string): boolean => {
    this.written += chunk;
    this.#interpret(chunk);
    return true;
  };

  /** The visible lines, trailing empty ones dropped. */
  screen(): string[] {
    const lines = [...this.#screen];
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  #line(): string {
    return this.#screen[this.#row] ?? '';
  }

  #interpret(chunk: string): void {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are the point
    const tokens = chunk.split(/(\x1b\[[?0-9;]*[A-Za-z]|\n)/);
    for (const token of tokens) {
      if (token === '') continue;
      if (token === '\n') {
        this.#row += 1;
        this.#column = 0;
        while (this.#screen.length <= this.#row) this.#screen.push('');
        continue;
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: see above
      const sequence = /^\x1b\[([?0-9;]*)([A-Za-z])$/.exec(token);
      if (!sequence) {
        const line = this.#line().padEnd(this.#column, ' ');
        this.#screen[this.#row] =
          line.slice(0, this.#column) + token + line.slice(this.#column + token.length);
        this.#column += token.length;
        continue;
      }
      const argument = sequence[1] ?? '';
      const count = Number.parseInt(argument || '1', 10);
      switch (sequence[2]) {
        case 'A':
          this.#row = Math.max(0, this.#row - count);
          break;
        case 'B':
          this.#row += count;
          while (this.#screen.length <= this.#row) this.#screen.push('');
          break;
        case 'F':
          this.#row = Math.max(0, this.#row - count);
          this.#column = 0;
          break;
        case 'G':
          this.#column = argument === '' ? 0 : count - 1;
          break;
        case 'K':
          this.#screen[this.#row] = argument === '2' ? '' : this.#line().slice(0, this.#column);
          break;
        case 'J':
          this.#screen[this.#row] = this.#line().slice(0, this.#column);
          this.#screen.splice(this.#row + 1);
          break;
        default:
          // Colours and synchronized-output markers (`?2026h`/`?2026l`) change nothing visible here.
          break;
      }
    }
  }
}
