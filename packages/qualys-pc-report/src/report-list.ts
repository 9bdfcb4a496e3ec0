import {
  BadResponseError,
  childElement,
  childElements,
  parseSmallXml,
  type XmlElement,
} from '@posturesync/core';
import { qualysDateToIsoUtc as toIsoUtc } from '@posturesync/qualys-common';

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

/** A report list of thousands of reports is a few MB; anything far larger is not a report list. */
export const maxReportListLength = 16 * 1024 * 1024;

/**
 * Parses REPORT_LIST_OUTPUT with `parseSmallXml` (xml2js, strict, no DTD processing, no entity
 * beyond the XML built-ins, length and depth capped). CDATA and plain titles read the same;
 * values are trimmed.
 */
export function parseReportList(xml: string): ReportListEntry[] {
  const parsed = parseSmallXml(xml, { maxLength: maxReportListLength, maxDepth: 16 });
  if (!parsed.ok) {
    throw new BadResponseError(
      `The Qualys report list is not well-formed XML (${parsed.reason}). Try again; if it persists, report it to Qualys support.`,
    );
  }
  const entries: ReportListEntry[] = [];
  const response = childElement(parsed.root, 'RESPONSE');
  const list = response ? childElement(response, 'REPORT_LIST') : undefined;
  for (const report of list ? childElements(list, reportElement) : []) {
    const value = (path: string): string | null => {
      let element: XmlElement | undefined = report;
      for (const name of path.split('/')) element = element ? childElement(element, name) : undefined;
      const text = element?.text.trim();
      return text === undefined || text === '' ? null : text;
    };
    const id = value(fieldPaths.id);
    if (!id) continue;
    entries.push({
      id,
      title: value(fieldPaths.title) ?? '',
      type: value(fieldPaths.type),
      userLogin: value(fieldPaths.userLogin),
      launchDatetime: toIsoUtc(value(fieldPaths.launchDatetime)) ?? null,
      outputFormat: value(fieldPaths.outputFormat),
      size: value(fieldPaths.size),
      state: value(fieldPaths.state),
      message: value(fieldPaths.message),
      percent: value(fieldPaths.percent),
      expirationDatetime: toIsoUtc(value(fieldPaths.expirationDatetime)) ?? null,
    });
  }
  return entries;
}
