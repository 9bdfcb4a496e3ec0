import { AuthError, BadResponseError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { fixtureText } from '../test/fixtures.ts';
import { parsePolicyList } from './policy-list.ts';

describe('parsePolicyList', () => {
  it('reads ID and TITLE of every POLICY in the hand-written list, CDATA or plain', () => {
    const entries = parsePolicyList(fixtureText('policy-list.xml'));
    expect(entries).toHaveLength(7);
    expect(entries[1]).toEqual({ id: '1234567', title: 'CIS Benchmark for Windows Server 2019' });
    expect(entries[4]).toEqual({
      id: '2500011',
      title: 'CIS Benchmark for Red Hat Enterprise Linux 8 - short',
    });
  });

  it('accepts any root, since POLICY_LIST_OUTPUT is not confirmed, and skips a POLICY without ID', () => {
    expect(
      parsePolicyList(
        '<COMPLIANCE_POLICY_LIST><POLICY><ID> 5 </ID><TITLE>A</TITLE></POLICY><POLICY><TITLE>no id</TITLE></POLICY></COMPLIANCE_POLICY_LIST>',
      ),
    ).toEqual([{ id: '5', title: 'A' }]);
  });

  it('turns a SIMPLE_RETURN error into its typed error', () => {
    const body =
      '<SIMPLE_RETURN><RESPONSE><DATETIME>2022-10-03T00:00:00Z</DATETIME><CODE>2000</CODE><TEXT>Bad Login/Password</TEXT></RESPONSE></SIMPLE_RETURN>';
    expect(() => parsePolicyList(body, 200)).toThrow(AuthError);
  });

  it('refuses a malformed document and entities declared in a DTD, naming the call', () => {
    expect(() => parsePolicyList('<POLICY_LIST_OUTPUT><POLICY>')).toThrow(BadResponseError);
    const entity =
      '<!DOCTYPE x [<!ENTITY big "aaaaaaaa">]><POLICY_LIST_OUTPUT><POLICY><ID>1</ID><TITLE>&big;</TITLE></POLICY></POLICY_LIST_OUTPUT>';
    expect(() => parsePolicyList(entity)).toThrow(
      /Qualys compliance policy list: Qualys sent a document that cannot be read/,
    );
  });
});
