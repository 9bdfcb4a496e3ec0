// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} config syntax, not templates.
import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateValue, wholeVariableReference } from './interpolate.ts';

function interpolate(text: string, env: Record<string, string | undefined>) {
  const problems: string[] = [];
  const value = interpolateString(text, env, 'connectors[0] (prod).apiUrl', problems);
  return { value, problems };
}

describe('config interpolation', () => {
  it('fills ${NAME} and ${NAME:-default} from the environment', () => {
    const env = { HOST: 'qualysapi.example.test', EMPTY: '' };
    expect(interpolate('https://${HOST}/api', env)).toEqual({
      value: 'https://qualysapi.example.test/api',
      problems: [],
    });
    expect(interpolate('${MISSING:-us2}', env).value).toBe('us2');
    // As in a POSIX shell, `:-` also covers a variable that is set but empty.
    expect(interpolate('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(interpolate('${MISSING:-}', env).value).toBe('');
    expect(interpolate('${HOST:-unused}', env).value).toBe('qualysapi.example.test');
  });

  it('leaves text without a reference alone, and $${ writes a literal ${', () => {
    expect(interpolate('plain', {}).value).toBe('plain');
    expect(interpolate('cost $5 and $HOME', {}).value).toBe('cost $5 and $HOME');
    expect(interpolate('$${NOT_A_VAR}', {}).value).toBe('${NOT_A_VAR}');
  });

  it('names the key and the variable of an unset reference, never a value', () => {
    const { problems } = interpolate('${QUALYS_API_HOST}', { OTHER: 'secret-value' });
    expect(problems).toEqual([
      'connectors[0] (prod).apiUrl: the environment variable QUALYS_API_HOST is not set; set it (export QUALYS_API_HOST=...) or give a default: ${QUALYS_API_HOST:-value}',
    ]);
  });

  it('refuses a malformed reference instead of passing it through', () => {
    for (const text of ['${1ABC}', '${A-B}', '${UNCLOSED', '${NAME:=x}']) {
      const { problems } = interpolate(text, {});
      expect(problems, text).toHaveLength(1);
      expect(problems[0]).toContain('is not a valid reference');
    }
  });

  it('walks nested objects and arrays, with the path of each value', () => {
    const problems: string[] = [];
    const value = interpolateValue(
      { policyIds: { include: ['${A}', 7] }, network: '${B}' },
      { A: '1234' },
      'connectors[1] (report)',
      problems,
    );
    expect(value).toEqual({ policyIds: { include: ['1234', 7] }, network: '${B}' });
    expect(problems).toEqual([
      expect.stringMatching(/^connectors\[1\] \(report\)\.network: .* B is not set/),
    ]);
  });

  it('recognises a whole-value reference (how a secret names its variable)', () => {
    expect(wholeVariableReference('${MY_PASSWORD}')).toBe('MY_PASSWORD');
    expect(wholeVariableReference('x${MY_PASSWORD}')).toBeNull();
    expect(wholeVariableReference('${A:-b}')).toBeNull();
    expect(wholeVariableReference(5)).toBeNull();
  });
});
