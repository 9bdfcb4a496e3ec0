import type { Readable } from 'node:stream';
import { BadResponseError, CancelledError } from '@posturesync/core';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { formatCauseOfFailure } from './evidence.ts';
import {
  controlFields,
  type FieldValues,
  headerFields,
  hostFields,
  policyFields,
  type ReportItem,
  type ReportParseOptions,
  type ReportPosition,
  type ResultField,
  resultFields,
} from './report-records.ts';
import { createTokenGuard } from './token-guard.ts';
import { defaultPolicyReportXmlTable, type PolicyReportXmlTable } from './xml-element-table.ts';
import {
  addField,
  controlSideFields,
  type Frame,
  firstValue,
  hostSideFields,
  listValue,
  type Role,
  read,
} from './xml-frame.ts';
import { malformed } from './xml-report-error.ts';

/** Refuse absurd single text nodes instead of buffering them: a report cell is never this large. */
const maxTextLength = 16 * 1024 * 1024;

export interface XmlReportParseOptions extends ReportParseOptions {
  /** Element names; defaults to the best-known structure. */
  table?: PolicyReportXmlTable;
}

/**
 * Streams a Policy Report XML as neutral report records with saxes: one pass, constant memory
 * (only the open elements of the current record are held). Results may be grouped by host
 * (RESULTS > HOST > ... > CONTROL) or by control (RESULTS > CONTROL > ... > HOST); the inner
 * record is the result and inherits the outer one's fields. Unknown elements are ignored. saxes
 * never fetches a DTD and never expands entities declared in one, so the input cannot make the
 * parser reach out or blow up.
 */
export async function* parsePolicyReportXml(
  input: Readable,
  options: XmlReportParseOptions = {},
): AsyncGenerator<ReportItem> {
  const table = options.table ?? defaultPolicyReportXmlTable;
  const { sections, records } = table;
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: Frame[] = [];
  /** The open result-group frames (resultHost / resultControl), innermost last. */
  const groups: Frame[] = [];
  /**
   * How many skipped ('pass') elements of each section name are open: the role of every tag
   * depends on the enclosing section, and counting beats walking the stack per tag.
   */
  const openSections = new Map<string, number>();
  for (const section of Object.values(sections)) openSections.set(section, 0);
  let queue: ReportItem[] = [];
  let sawRoot = false;

  const positionNow = (): ReportPosition => ({ line: parser.line, column: parser.column });
  const inSection = (section: string) => (openSections.get(section) ?? 0) > 0;
  /** Record frames always have a position; the fallback only keeps the types honest. */
  const positionOf = (frame: Frame): ReportPosition => frame.position ?? positionNow();

  const roleOf = (name: string, parent: Frame | undefined): Role => {
    if (parent?.role === 'summary' && name === records.policy) return 'policy';
    if (parent !== undefined && parent.role !== 'pass') {
      // Inside a result group, the other kind of record element is the result itself.
      if (name === records.host || name === records.control) {
        const group = groups.at(-1);
        if (group?.role === 'resultControl' && name === records.host) return 'resultHost';
        if (group?.role === 'resultHost' && name === records.control) return 'resultControl';
      }
      return 'collect';
    }
    if (name === sections.header) return 'header';
    if (inSection(sections.results)) {
      if (name === records.host) return 'resultHost';
      if (name === records.control) return 'resultControl';
      return 'pass';
    }
    if (inSection(sections.hostStatistics) && name === records.statisticsHost) return 'host';
    if (inSection(sections.assetTags) && name === records.tagHost) return 'hostTags';
    if (inSection(sections.controlStatistics) && name === records.statisticsControl) return 'control';
    if (name === sections.summary) return 'summary';
    // A policy element outside the summary only provides context (its ID) to what it encloses.
    if (name === records.policy) return 'collect';
    return 'pass';
  };

  /** The nearest enclosing policy's ID, for results that do not carry their own. */
  const enclosingPolicyId = (): string | null => {
    for (let index = stack.length - 1; index >= 0; index -= 1) {
      const frame = stack[index];
      if (frame && frame.name === records.policy) {
        const id = firstValue(frame, table.policy.policyId);
        if (id) return id;
      }
    }
    return null;
  };

  /** Per result field, once per report: where to look first. */
  const resultPlan = resultFields.map((name) => ({
    name,
    paths: table.result[name],
    side: hostSideFields.has(name) ? 'host' : controlSideFields.has(name) ? 'control' : 'inner',
  }));

  const emitResult = (inner: Frame, outer: Frame) => {
    const hostFrame = inner.role === 'resultHost' ? inner : outer;
    const controlFrame = inner.role === 'resultControl' ? inner : outer;
    const fields = {} as FieldValues<ResultField>;
    for (const { name, paths, side } of resultPlan) {
      const first = side === 'host' ? hostFrame : side === 'control' ? controlFrame : inner;
      const second = side === 'host' ? controlFrame : side === 'control' ? hostFrame : outer;
      fields[name] = firstValue(first, paths) ?? firstValue(second, paths) ?? null;
    }
    fields.policyId ??= enclosingPolicyId();
    if (fields.causeOfFailure === null) {
      const cause = table.causeOfFailure;
      const missing = listValue([inner, outer], [cause.missingValues]);
      const unexpected = listValue([inner, outer], [cause.unexpectedValues]);
      const logic =
        firstValue(inner, [cause.missingLogic]) ?? firstValue(outer, [cause.missingLogic]) ?? null;
      fields.causeOfFailure = formatCauseOfFailure(
        missing.length || logic ? { logic, values: missing } : null,
        unexpected.length ? unexpected : null,
      );
    }
    const tags = listValue([hostFrame, controlFrame], table.result.tags);
    queue.push({ kind: 'result', position: positionOf(inner), fields, tags });
    outer.results += 1;
  };

  parser.on('opentag', (tag: SaxesTagPlain) => {
    tokenGuard.onEvent();
    sawRoot = true;
    const parent = stack.at(-1);
    if (parent) parent.hasChildren = true;
    const name = tag.name;
    const role = roleOf(name, parent);
    const frame: Frame = {
      name,
      role,
      fields: null,
      text: '',
      hasChildren: false,
      position: role === 'pass' || role === 'collect' ? null : positionNow(),
      results: 0,
      emittedPolicy: false,
    };
    if (role === 'pass') {
      const open = openSections.get(name);
      if (open !== undefined) openSections.set(name, open + 1);
    } else {
      for (const attribute in tag.attributes) {
        frame.fields ??= new Map();
        frame.fields.set(`@${attribute}`, tag.attributes[attribute] ?? '');
      }
      if (role === 'resultHost' || role === 'resultControl') groups.push(frame);
    }
    stack.push(frame);
  });

  const onText = (text: string) => {
    tokenGuard.onEvent();
    const frame = stack.at(-1);
    if (!frame || frame.role === 'pass' || frame.hasChildren) return;
    if (frame.text.length + text.length > maxTextLength) {
      throw new Error(`element ${frame.name} holds more than ${maxTextLength} characters of text`);
    }
    frame.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', () => {
    tokenGuard.onEvent();
    const frame = stack.pop();
    if (!frame) return;
    const parent = stack.at(-1);
    switch (frame.role) {
      case 'pass': {
        const open = openSections.get(frame.name);
        if (open !== undefined) openSections.set(frame.name, open - 1);
        return;
      }
      case 'header':
        queue.push({
          kind: 'header',
          position: positionOf(frame),
          fields: read(headerFields, table.header, frame),
        });
        return;
      case 'policy':
        queue.push({
          kind: 'policy',
          position: positionOf(frame),
          fields: read(policyFields, table.policy, frame),
        });
        if (parent) parent.emittedPolicy = true;
        return;
      case 'summary':
        // A summary without policy elements describes its single policy directly.
        if (!frame.emittedPolicy && (frame.fields?.size ?? 0) > 0) {
          queue.push({
            kind: 'policy',
            position: positionOf(frame),
            fields: read(policyFields, table.policy, frame),
          });
        }
        return;
      case 'control':
        queue.push({
          kind: 'control',
          position: positionOf(frame),
          fields: read(controlFields, table.control, frame),
        });
        return;
      case 'host':
        queue.push({
          kind: 'host',
          position: positionOf(frame),
          fields: read(hostFields, table.host, frame),
          tags: listValue([frame], table.host.tags),
        });
        return;
      case 'hostTags': {
        const ip = firstValue(frame, table.host.ip);
        if (ip)
          queue.push({
            kind: 'hostTags',
            position: positionOf(frame),
            ip,
            tags: listValue([frame], table.host.tags),
          });
        return;
      }
      case 'resultHost':
      case 'resultControl': {
        const opposite = frame.role === 'resultHost' ? 'resultControl' : 'resultHost';
        groups.pop();
        const outer = groups.findLast((candidate) => candidate.role === opposite);
        if (outer) emitResult(frame, outer);
        else if (frame.role === 'resultHost' && frame.results === 0) {
          // A host group without any result still tells us about the host.
          queue.push({
            kind: 'host',
            position: positionOf(frame),
            fields: read(hostFields, table.host, frame),
            tags: listValue([frame], table.host.tags),
          });
        }
        return;
      }
      case 'collect': {
        if (!parent || parent.role === 'pass') return;
        if (!frame.hasChildren) {
          addField(parent, frame.name, frame.text);
          if (!frame.fields) return;
          for (const [key, value] of frame.fields) {
            if (key.startsWith('@')) addField(parent, `${frame.name}${key}`, String(value));
          }
        } else {
          if (!frame.fields) return;
          for (const [key, value] of frame.fields) {
            const path = key.startsWith('@') ? `${frame.name}${key}` : `${frame.name}/${key}`;
            for (const item of Array.isArray(value) ? value : [value]) addField(parent, path, item);
          }
        }
        return;
      }
    }
  });

  // saxes builds a text node, comment, attribute value or CDATA section whole before it emits it,
  // so the per-element cap above only bites after the memory is spent. Count the characters
  // written since saxes last emitted anything instead: no single token can then grow past the
  // cap (plus one chunk), however the bytes arrive (issue 13).
  const tokenGuard = createTokenGuard(maxTextLength, (length) => {
    throw malformed(
      options,
      positionNow(),
      `a single text node, comment or attribute runs past ${maxTextLength} characters (at least ${length} so far); no report cell is this large`,
    );
  });
  // saxes keeps one handler per event: the tag and text handlers above call the guard themselves.
  parser.on('comment', tokenGuard.onEvent);
  parser.on('processinginstruction', tokenGuard.onEvent);
  parser.on('doctype', tokenGuard.onEvent);

  const decoder = new TextDecoder('utf-8');
  const fail = (error: unknown): never => {
    if (error instanceof BadResponseError || error instanceof CancelledError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // saxes prefixes "line:column: "; the position is reported separately.
    throw malformed(options, positionNow(), message.replace(/^\d+:\d+: /, '').replace(/\.$/, ''), error);
  };

  for await (const chunk of input) {
    if (options.signal?.aborted) throw new CancelledError('Reading the policy report was cancelled');
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    try {
      parser.write(text);
    } catch (error) {
      fail(error);
    }
    tokenGuard.afterChunk(text.length);
    if (queue.length > 0) {
      const ready = queue;
      queue = [];
      yield* ready;
    }
  }
  try {
    const rest = decoder.decode();
    if (rest) parser.write(rest);
    parser.close();
  } catch (error) {
    fail(error);
  }
  if (!sawRoot) throw malformed(options, null, 'the body holds no XML element');
  yield* queue;
}
