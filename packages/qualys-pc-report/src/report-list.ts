import { BadResponseError, toIsoUtc } from '@posturesync/core';
import { SaxesParser } from 'saxes';

export interface ReportListEntry {
  id: string;
  title: string;
  type: string | null;
  userLogin: string | null;
  /** ISO-8601 UTC, or null when missing or unparsable. */
  launchDatetime: string | null;
  outputFormat: string | null;
  size: string | null;
  state: string | null;
  message: string | null;
  percent: string | null;
  expirationDatetime: string | null;
}

/** Element names of REPORT_LIST_OUTPUT/RESPONSE/REPORT_LIST/REPORT (wire-formats B.2). */
const reportElement = 'REPORT';
const fieldPaths: Record<Exclude<keyof ReportListEntry, 'id' | 'title'>, string> & {
  id: string;
  title: string;
} = {
  id: 'ID',
  title: 'TITLE',
  type: 'TYPE',
  userLogin: 'USER_LOGIN',
  launchDatetime: 'LAUNCH_DATETIME',
  outputFormat: 'OUTPUT_FORMAT',
  size: 'SIZE',
  state: 'STATUS/STATE',
  message: 'STATUS/MESSAGE',
  percent: 'STATUS/PERCENT',
  expirationDatetime: 'EXPIRATION_DATETIME',
};

/**
 * Parses REPORT_LIST_OUTPUT with saxes, which neither fetches the referenced DTD nor expands
 * entities declared in one. CDATA and plain titles read the same; values are trimmed.
 */
export function parseReportList(xml: string): ReportListEntry[] {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const entries: ReportListEntry[] = [];
  const path: string[] = [];
  let current: Map<string, string> | null = null;
  let reportDepth = -1;
  let text = '';

  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    if (tag.name === reportElement && current === null && path.includes('REPORT_LIST')) {
      current = new Map();
      reportDepth = path.length;
    }
  });
  const onText = (chunk: string) => {
    text += chunk;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (current && path.length > reportDepth) {
      const key = path.slice(reportDepth).join('/');
      if (!current.has(key)) current.set(key, text.trim());
    } else if (current && path.length === reportDepth) {
      const value = (name: string) => {
        const found = current?.get(name);
        return found === undefined || found === '' ? null : found;
      };
      const id = value(fieldPaths.id);
      if (id) {
        const launch = value(fieldPaths.launchDatetime);
        const expiration = value(fieldPaths.expirationDatetime);
        entries.push({
          id,
          title: value(fieldPaths.title) ?? '',
          type: value(fieldPaths.type),
          userLogin: value(fieldPaths.userLogin),
          launchDatetime: toIsoUtc(launch) ?? null,
          outputFormat: value(fieldPaths.outputFormat),
          size: value(fieldPaths.size),
          state: value(fieldPaths.state),
          message: value(fieldPaths.message),
          percent: value(fieldPaths.percent),
          expirationDatetime: toIsoUtc(expiration) ?? null,
        });
      }
      current = null;
      reportDepth = -1;
    }
    path.pop();
    text = '';
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    throw new BadResponseError(
      `The Qualys report list is not well-formed XML (${error instanceof Error ? error.message : String(error)}). Try again; if it persists, report it to Qualys support.`,
      { cause: error },
    );
  }
  return entries;
}
