import { ConfigError } from '@posturesync/core';
import { parseDocument } from 'yaml';
import { jsonErrorPosition } from './json-error-position.ts';
import { maskSecretValues } from './mask-secret-values.ts';

/** More alias expansions than any config needs; a "billion laughs" document is refused early. */
const maxAliasCount = 50;

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
    // The excerpt quotes the file: a password written there by mistake must not be echoed.
    const detail = maskSecretValues(excerpt.filter((line) => line.trim() !== '').join('\n'));
    throw new ConfigError(
      `${where}: YAML syntax error: ${maskSecretValues(sentence)}${detail ? `\n${detail}` : ''}\nFix the file, or recreate it with \`posturesync init --force\`.`,
      {
        details: { file, line: position?.line ?? null, column: position?.col ?? null, yamlCode: first.code },
      },
    );
  }
  for (const warning of document.warnings) {
    // Warnings (e.g. unknown tags) make the meaning uncertain; treat them as errors too.
    const position = warning.linePos?.[0];
    throw new ConfigError(
      `${position ? `${file}:${position.line}:${position.col}` : file}: YAML problem: ${maskSecretValues((warning.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''))}`,
      { details: { file, line: position?.line ?? null, column: position?.col ?? null } },
    );
  }
  try {
    return document.toJS({ maxAliasCount });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb: it is the file's fault, not a bug (exit 2).
    throw new ConfigError(
      `${file}: YAML problem: the file expands aliases (*name) more than ${maxAliasCount} times, which no config needs; it looks like an alias bomb. Write the values out instead.`,
      { cause: error, details: { file, line: null, column: null } },
    );
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the error (maybe a password) and sometimes no position:
    // find the position ourselves and say what was expected, quoting one character at most.
    const found = jsonErrorPosition(text);
    const { line, column } = found ? lineAndColumn(text, found.offset) : { line: null, column: null };
    const reason = found?.reason ?? 'not valid JSON';
    throw new ConfigError(
      `${line === null ? file : `${file}:${line}:${column}`}: JSON syntax error: ${reason}`,
      {
        cause: error,
        details: { file, line, column },
      },
    );
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
