import { ConfigError } from '@posturesync/core';
import { parseDocument } from 'yaml';

/** Parses a config file's text as JSON (`.json`) or YAML (anything else), with line/column on errors. */
export function parseConfigText(text: string, file: string): unknown {
  return file.toLowerCase().endsWith('.json') ? parseJson(text, file) : parseYaml(text, file);
}

function parseYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    const position = first.linePos?.[0];
    const where = position ? `${file}:${position.line}:${position.col}` : file;
    // prettyErrors appends a code excerpt after the first line; keep the sentence, show the excerpt below.
    const [firstLine = '', ...excerpt] = first.message.split('\n');
    const sentence = firstLine.replace(/ at line \d+, column \d+:?$/, '');
    const detail = excerpt.filter((line) => line.trim() !== '').join('\n');
    throw new ConfigError(
      `${where}: YAML syntax error: ${sentence}${detail ? `\n${detail}` : ''}\nFix the file, or recreate it with \`posturesync init --force\`.`,
      {
        details: { file, line: position?.line ?? null, column: position?.col ?? null, yamlCode: first.code },
      },
    );
  }
  for (const warning of document.warnings) {
    // Warnings (e.g. unknown tags) make the meaning uncertain; treat them as errors too.
    const position = warning.linePos?.[0];
    throw new ConfigError(
      `${position ? `${file}:${position.line}:${position.col}` : file}: YAML problem: ${(warning.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      { details: { file, line: position?.line ?? null, column: position?.col ?? null } },
    );
  }
  return document.toJS();
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = jsonPosition(text, message);
    throw new ConfigError(
      `${line === null ? file : `${file}:${line}:${column}`}: JSON syntax error: ${message}`,
      { details: { file, line, column } },
    );
  }
}

function jsonPosition(text: string, message: string): { line: number | null; column: number | null } {
  const explicit = /line (\d+) column (\d+)/.exec(message);
  if (explicit) return { line: Number(explicit[1]), column: Number(explicit[2]) };
  const offset = /position (\d+)/.exec(message);
  if (offset) {
    const before = text.slice(0, Number(offset[1]));
    const lines = before.split('\n');
    return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  }
  if (/Unexpected end/i.test(message)) {
    const lines = text.split('\n');
    return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  }
  return { line: null, column: null };
}
