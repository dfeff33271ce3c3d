/**
 * Configuration sections local mode applies (logging, timeouts, probe): what LoadResult.settings
 * carries, which mistakes are errors (file:line: field) and what is accepted with a warning.
 */
import { describe, expect, it } from 'vitest';
import { formatConfigError, type ConfigError } from './errors';
import { loadConfigText } from './load';

const lines = (list: ConfigError[]) => list.map(formatConfigError);

function configuration(spec: string, name = 'settings'): string {
  return `apiVersion: gateway.mulesoft.com/v1alpha1
kind: Configuration
metadata:
  name: ${name}
spec:
${spec}`;
}

describe('Configuration logging', () => {
  it("reads Flex's file output example: outputs, runtime and access targets, level", () => {
    const result = loadConfigText(
      configuration(`  logging:
    outputs:
      - name: default
        type: file
        parameters:
          file: /tmp/flex/log.txt
          format: template
          template: |
            [{logger}][{level}] {message}
      - name: console
        type: stdout
      - name: json
        type: FILE
        parameters:
          path: /tmp/flex
          file: gateway.json
          format: json_lines
    runtimeLogs:
      logLevel: warning
      outputs: [default, console]
    accessLogs:
      outputs: [json]
`),
      'c.yaml',
    );
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([]);
    expect(result.settings).toEqual({
      logging: {
        level: 'warn',
        outputs: [
          { name: 'default', kind: 'file', file: '/tmp/flex/log.txt', format: 'template', template: '[{logger}][{level}] {message}' },
          { name: 'console', kind: 'stdout', format: 'template' },
          { name: 'json', kind: 'file', file: '/tmp/flex/gateway.json', format: 'json' },
        ],
        runtime: ['default', 'console'],
        access: ['json'],
      },
    });
  });

  it('refuses a level or an output name it does not know; warns of outputs it does not write', () => {
    const result = loadConfigText(
      configuration(`  logging:
    outputs:
      - name: splunk
        type: splunk
        parameters: { host: example.splunkcloud.com }
      - name: nowhere
        type: file
    runtimeLogs:
      logLevel: loud
      outputs: [splunk, missing]
    accessLogs:
      outputs: { anypoint: enabled }
`),
      'c.yaml',
    );
    expect(lines(result.errors)).toEqual([
      'c.yaml:11: spec.logging.outputs[1].parameters.file: a file output needs parameters.file (the log file to append to)',
      'c.yaml:14: spec.logging.runtimeLogs.logLevel: expected one of debug, info, warn, error, fatal; got "loud"',
      'c.yaml:15: spec.logging.runtimeLogs.outputs[1]: no output named "missing" in spec.logging.outputs',
    ]);
    expect(lines(result.warnings)).toEqual([
      'c.yaml:9: spec.logging.outputs[0].type: not acted on: Gatehouse writes the file and stdout outputs only; nothing is sent to splunk',
      'c.yaml:17: spec.logging.accessLogs.outputs.anypoint: not acted on: Gatehouse sends no logs to Anypoint',
    ]);
  });
});

describe('Configuration timeouts and probe', () => {
  it('applies upstreamResponseSeconds and the probe; warns of the other timeouts', () => {
    const result = loadConfigText(
      configuration(`  timeouts:
    upstreamResponseSeconds: 2.5
    streamIdleSeconds: 300
  probe:
    enabled: true
    port: 9000
`),
      'c.yaml',
    );
    expect(lines(result.errors)).toEqual([]);
    expect(result.settings).toEqual({ upstreamTimeoutMs: 2500, probe: { port: 9000, path: '/probe' } });
    expect(lines(result.warnings)).toEqual([
      "c.yaml:8: spec.timeouts.streamIdleSeconds: not acted on: Gatehouse's upstream timeout (upstreamResponseSeconds) already ends a response that stalls; a client's request body must arrive within 30 s",
    ]);
  });

  it('refuses bad values and a section configured twice; a disabled probe is no probe', () => {
    const result = loadConfigText(
      `${configuration(`  timeouts:
    upstreamResponseSeconds: 0
  probe:
    port: http
`)}---
${configuration(`  timeouts: {}
  probe: { enabled: false }
`, 'second')}`,
      'c.yaml',
    );
    expect(lines(result.errors)).toEqual([
      'c.yaml:7: spec.timeouts.upstreamResponseSeconds: expected a number of seconds greater than 0',
      'c.yaml:9: spec.probe.port: expected the port (1-65535) to answer the readiness probe on',
      'c.yaml:16: spec.timeouts: timeouts is already configured by Configuration settings (c.yaml:1)',
      'c.yaml:17: spec.probe: probe is already configured by Configuration settings (c.yaml:1)',
    ]);
    const disabled = loadConfigText(configuration('  probe: { enabled: false, port: 9000 }\n'), 'c.yaml');
    expect(disabled.settings).toEqual({});
  });
});
