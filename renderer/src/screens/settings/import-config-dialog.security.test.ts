/**
 * The Settings import dialog summarises the chosen file in the renderer before anything is sent:
 * a YAML alias bomb is refused there with `file:line: too many aliases …`; anchors still count.
 */
import { describe, expect, it } from 'vitest';
import { yamlBomb } from '../../../../shared/testing/yaml-bomb';
import { summarizeConfig } from './import-config-dialog';

describe('summarizeConfig with YAML aliases', () => {
  it('refuses an alias bomb with the file, the line of the alias and "too many aliases"', () => {
    const bomb = yamlBomb({ before: 'apiVersion: gateway.mulesoft.com/v1alpha1\nkind: ApiInstance\nmetadata:\n  name: laughs\n  labels:' });
    const summary = summarizeConfig(bomb.text, 'setup.yaml');
    expect(summary).toEqual({ error: expect.stringMatching(/^setup\.yaml:\d+: too many aliases: \*l\d /) });
    const line = Number(/^setup\.yaml:(\d+):/.exec((summary as { error: string }).error)![1]);
    expect(bomb.aliasLines).toContain(line);
  });

  it('counts the resources of a file that uses anchors', () => {
    // Anchors belong to one document: here a list of resources.
    const text = '- kind: ApiInstance\n  spec: &spec { address: "http://127.0.0.1:8081/a" }\n- kind: ApiInstance\n  spec: *spec\n---\nkind: Service\n';
    expect(summarizeConfig(text, 'setup.yaml')).toEqual({ kinds: { ApiInstance: 2, Service: 1 } });
  });
});
