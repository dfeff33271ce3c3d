/**
 * One mistake, one line, where the user must edit: what `gatehouse validate` and hot reload
 * report for the typos people make in the tutorial's conf.d file (examples/conf.d).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigError } from './errors';
import { loadConfigText } from './load';

const tutorial = readFileSync(path.join(__dirname, '../../examples/conf.d/demo-api.yaml'), 'utf8');
const lineOf = (needle: string) => tutorial.split('\n').findIndex((line) => line.includes(needle)) + 1;

function report(text: string): { errors: string[]; warnings: string[] } {
  const result = loadConfigText(text, 'demo-api.yaml');
  return { errors: result.errors.map(formatConfigError), warnings: result.warnings.map(formatConfigError) };
}

describe('config errors, one per mistake', () => {
  it('the tutorial file as shipped is valid', () => {
    expect(report(tutorial).errors).toEqual([]);
  });

  it('a misspelt required field is one error on its line naming both spellings, not a warning plus an error', () => {
    const line = lineOf('maximumRequests:');
    const { errors, warnings } = report(tutorial.replace('maximumRequests:', 'maximumRequest:'));
    expect(errors).toEqual([`demo-api.yaml:${line}: spec.policies[0].config.rateLimits[0].maximumRequests: required (number); found "maximumRequest" instead (a misspelling?)`]);
    expect(warnings).toEqual([]);
  });

  it('a misspelt optional field stays a warning with its suggestion', () => {
    const { errors, warnings } = report(tutorial.replace('exposeHeaders:', 'exposeHeader:'));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([`demo-api.yaml:${lineOf('exposeHeaders:')}: spec.policies[0].config.exposeHeader: unknown field; ignored (did you mean exposeHeaders?)`]);
  });

  it('an unclosed [ is one error on the line of the [', () => {
    const line = lineOf('maximumRequests:');
    const { errors } = report(tutorial.replace('maximumRequests: 5', 'maximumRequests: [5'));
    expect(errors).toEqual([`demo-api.yaml:${line}: this [ is never closed with ]`]);
  });

  it('an unclosed { at the end of a mapping is reported where it opens', () => {
    const text = ['apiVersion: gateway.mulesoft.com/v1alpha1', 'kind: ApiInstance', 'metadata: {name: demo', 'spec:', '  address: http://127.0.0.1:8081/demo/', ''].join('\n');
    expect(report(text).errors).toEqual(['demo-api.yaml:3: this { is never closed with }']);
  });

  it('a broken line gives one syntax error, not the cascade after it', () => {
    const { errors } = report(tutorial.replace('          - maximumRequests: 5', '          - [maximumRequests: 5'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^demo-api.yaml:${lineOf('maximumRequests:')}: `));
  });
});
