import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEstate, generatePolicyReportXml } from '../src/index.ts';

/**
 * Pins the simulator's Policy Report XML to the connector's hand-written best-guess fixture
 * (`packages/qualys-pc-report/test/fixtures/policy-report.xml`, element names written out by
 * hand, not taken from the shared element table). The writer and the connector's reader both
 * use `policyReportXmlElements` from qualys-common, so without this test a wrong entry in that
 * table would pass both sides' round trips. The layout is unconfirmed (wire-formats B.6): this
 * keeps the simulator on the one transcription, it does not make the transcription true.
 */
const fixture = readFileSync(
  new URL('../../qualys-pc-report/test/fixtures/policy-report.xml', import.meta.url),
  'utf8',
);

/**
 * Elements the simulator writes that the hand-written fixture has no example of; they are
 * checked only against the shared element table. Add one to the fixture (by hand) to pin it.
 */
const notInFixture = [
  'POLICY_REPORT/SUMMARY/POLICY/ASSET_GROUPS',
  'POLICY_REPORT/SUMMARY/POLICY/TECHNOLOGIES',
  'POLICY_REPORT/SUMMARY/POLICY/TOTAL_APPROVED_EXCEPTIONS',
  'POLICY_REPORT/SUMMARY/POLICY/TOTAL_PENDING_EXCEPTIONS',
  'POLICY_REPORT/HOST_STATISTICS/HOST/NETWORK',
  'POLICY_REPORT/RESULTS/HOST_LIST/HOST/ASSET_TAGS',
  'POLICY_REPORT/RESULTS/HOST_LIST/HOST/ASSET_TAGS/ASSET_TAG',
  'POLICY_REPORT/RESULTS/HOST_LIST/HOST/CONTROL_LIST/CONTROL/CONTROL_REFERENCES',
  'POLICY_REPORT/RESULTS/HOST_LIST/HOST/CONTROL_LIST/CONTROL/CAUSE_OF_FAILURE/UNEXPECTED',
  'POLICY_REPORT/RESULTS/HOST_LIST/HOST/CONTROL_LIST/CONTROL/CAUSE_OF_FAILURE/UNEXPECTED/V',
  'POLICY_REPORT/RESULTS/HOST_LIST/HOST/CONTROL_LIST/CONTROL/EVIDENCE/EXTENDED',
];

/** Every element path (`A/B/C`) and attribute (`A/B@name`) of a document, ignoring text. */
function elementPaths(xml: string): Set<string> {
  const paths = new Set<string>();
  const open: string[] = [];
  const markup = xml
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<![^>]*>/g, '')
    .replace(/<\?[^>]*\?>/g, '');
  for (const [, closing, name, attributes, selfClosing] of markup.matchAll(
    /<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>/g,
  )) {
    if (closing) {
      open.pop();
      continue;
    }
    open.push(name!);
    const path = open.join('/');
    paths.add(path);
    for (const [, attribute] of attributes!.matchAll(/([\w-]+)\s*=/g)) paths.add(`${path}@${attribute}`);
    if (selfClosing) open.pop();
  }
  return paths;
}

async function simulatorReport(): Promise<string> {
  // Every result has an exception and some fail, so every optional element appears.
  const estate = createEstate({ seed: 3, hosts: 6, policies: 2, controlsPerPolicy: 6, exceptionRatio: 1 });
  const policyId = estate.policies()[0]!.id;
  let xml = '';
  for await (const chunk of generatePolicyReportXml(estate, { title: 'pin', policyId, format: 'xml' })) {
    xml += chunk;
  }
  return xml;
}

describe('the Policy Report XML pinned to the hand-written fixture', () => {
  it('issue 16: writes every element and attribute of the fixture, and no other but the listed ones', async () => {
    const written = elementPaths(await simulatorReport());
    const transcribed = elementPaths(fixture);
    expect([...transcribed].filter((path) => !written.has(path))).toEqual([]);
    expect([...written].filter((path) => !transcribed.has(path)).sort()).toEqual([...notInFixture].sort());
  });

  it('reads paths and attributes, not text or CDATA', () => {
    const paths = elementPaths('<?xml version="1.0"?><!DOCTYPE A><A><B x="1"><![CDATA[<C>]]></B><D/></A>');
    expect([...paths]).toEqual(['A', 'A/B', 'A/B@x', 'A/D']);
  });
});
