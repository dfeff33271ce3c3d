import { describe, expect, it } from 'vitest';
import { describeRule, headersToText, ruleInput, textToHeaders } from './use-breakpoints';

describe('breakpoint editor text', () => {
  it('turns headers into "name: value" lines and back, repeats and colons in values kept', () => {
    const headers: [string, string][] = [
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-url', 'http://127.0.0.1:3000/x'],
    ];
    const text = headersToText(headers);
    expect(text).toBe('set-cookie: a=1\nset-cookie: b=2\nx-url: http://127.0.0.1:3000/x');
    expect(textToHeaders(`${text}\n\n`)).toEqual({ headers });
  });

  it('names the line that is not a header', () => {
    expect(textToHeaders('x-a: 1\nno colon here')).toEqual({ error: 'line 2: expected "name: value", got "no colon here"' });
    expect(textToHeaders('bad name: 1')).toMatchObject({ error: expect.stringMatching(/^line 1:/) });
  });

  it('describes a rule in one line and sets it again unchanged', () => {
    const rule = { id: 'bp-1', enabled: true, method: 'POST', path: '^/orders', header: { name: 'x-debug', value: '1' }, request: true, response: true };
    expect(describeRule(rule)).toBe('POST · path ~ ^/orders · header x-debug: 1 · request and response');
    expect(describeRule({ id: 'bp-2', enabled: true, request: false, response: true })).toBe('Any method · response');
    expect(ruleInput(rule)).toEqual(rule);
  });
});
