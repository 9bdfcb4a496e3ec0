import { describe, expect, it } from 'vitest';
import { parseSimpleReturn } from './simple-return.ts';

describe('parseSimpleReturn', () => {
  it('reads the concurrency-limit body (code 1960) with padded whitespace and its items', () => {
    const parsed = parseSimpleReturn(`<SIMPLE_RETURN>
  <RESPONSE>
  <DATETIME>2017-04-12T14:52:39Z </DATETIME>
  <CODE>1960</CODE>
  <TEXT> This API cannot be run again until 1 currently running API instance has finished.</TEXT>
  <ITEM_LIST>
  <ITEM>
  <KEY>CALLS_TO_FINISH</KEY>
  <VALUE>2</VALUE>
  </ITEM>
  </ITEM_LIST>
  </RESPONSE>
</SIMPLE_RETURN>`);
    expect(parsed).toEqual({
      code: '1960',
      text: 'This API cannot be run again until 1 currently running API instance has finished.',
      items: { CALLS_TO_FINISH: '2' },
      datetime: '2017-04-12T14:52:39Z',
    });
  });

  it('tolerates an XML declaration, a DOCTYPE with a curly quote, CDATA and entities', () => {
    const parsed = parseSimpleReturn(`<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE GENERIC_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd”>
 <SIMPLE_RETURN>
  <RESPONSE>
    <DATETIME>2018-02-14T02:51:36Z</DATETIME>
    <CODE>1965</CODE>
    <TEXT><![CDATA[Wait <a while>]]> &amp; retry &#65;</TEXT>
    <ITEM_LIST><ITEM><KEY>SECONDS_TO_WAIT</KEY><VALUE><![CDATA[ 68928 ]]></VALUE></ITEM></ITEM_LIST>
  </RESPONSE>
</SIMPLE_RETURN>`);
    expect(parsed?.code).toBe('1965');
    expect(parsed?.text).toBe('Wait <a while> & retry A');
    expect(parsed?.items).toEqual({ SECONDS_TO_WAIT: '68928' });
  });

  it('returns null for other bodies and refuses custom entities instead of expanding them', () => {
    expect(parseSimpleReturn('{"message":"nope"}')).toBeNull();
    expect(
      parseSimpleReturn('<GENERIC_RETURN><RETURN status="FAILED" number="999">x</RETURN></GENERIC_RETURN>'),
    ).toBeNull();
    const hostile = parseSimpleReturn(
      '<!DOCTYPE x [<!ENTITY boom "BOOM">]><SIMPLE_RETURN><RESPONSE><TEXT>&boom;</TEXT></RESPONSE></SIMPLE_RETURN>',
    );
    expect(hostile).toBeNull();
  });

  it('reads a success body without a CODE', () => {
    const parsed = parseSimpleReturn(
      '<SIMPLE_RETURN><RESPONSE><DATETIME>2016-10-12T14:16:22Z</DATETIME><TEXT>Asset Group Updated Successfully</TEXT><ITEM_LIST><ITEM><KEY>ID</KEY><VALUE>1759735</VALUE></ITEM></ITEM_LIST></RESPONSE></SIMPLE_RETURN>',
    );
    expect(parsed).toEqual({
      code: null,
      text: 'Asset Group Updated Successfully',
      items: { ID: '1759735' },
      datetime: '2016-10-12T14:16:22Z',
    });
  });

  it('issue 13: parses 256 KiB of comment openers in linear time (no regular-expression backtracking)', () => {
    const started = performance.now();
    expect(parseSimpleReturn(`<SIMPLE_RETURN>${'<!--'.repeat(64 * 1024)}`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('issue 13: parses a crafted 1 MiB login answer quickly', () => {
    // The shape that made the old regular expressions backtrack for minutes: many unclosed
    // openers of the elements they searched for, inside an envelope that never closes.
    const crafted = `<SIMPLE_RETURN><RESPONSE>${'<ITEM><KEY><TEXT><CODE '.repeat(40_000)}`.slice(
      0,
      1024 * 1024 - 1,
    );
    const started = performance.now();
    expect(parseSimpleReturn(crafted)).toBeNull();
    const closed = `<SIMPLE_RETURN><RESPONSE><CODE>2000</CODE><TEXT>${'x'.repeat(1024 * 1024 - 120)}</TEXT></RESPONSE></SIMPLE_RETURN>`;
    expect(parseSimpleReturn(closed)?.code).toBe('2000');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('issue 13: does not parse a body over 1 MiB', () => {
    const big = `<SIMPLE_RETURN><RESPONSE><CODE>999</CODE><TEXT>${'x'.repeat(1024 * 1024)}</TEXT></RESPONSE></SIMPLE_RETURN>`;
    expect(parseSimpleReturn(big)).toBeNull();
  });
});
