/**
 * Editors for an operation's path, query and header parameters: required ones marked, an enum
 * as a select, a boolean as true/false, the type and example as the hint. The values are checked
 * (shared/collections/operation-request.ts) before Try it sends; errors show at their field.
 */
import type { OpenApiOperation, OperationParameter } from '../../../../../shared/collections/collection-models';
import { parameterKey, type ParameterValues } from '../../../../../shared/collections/operation-request';
import { Field } from '../../../ui/field';

const LOCATIONS: { in: OperationParameter['in']; title: string }[] = [
  { in: 'path', title: 'Path parameters' },
  { in: 'query', title: 'Query parameters' },
  { in: 'header', title: 'Header parameters' },
];

function typeLabel(parameter: OperationParameter): string {
  if (parameter.type === 'array') return `list of ${parameter.itemType ?? 'values'}, comma-separated`;
  return parameter.type ?? 'text';
}

function hintOf(parameter: OperationParameter): string {
  return [typeLabel(parameter), parameter.deprecated ? 'deprecated' : '', parameter.description ?? ''].filter(Boolean).join(' · ');
}

/** `field`: id and aria attributes from the Field around it. */
function Control({ parameter, value, onChange, ...field }: { parameter: OperationParameter; value: string; onChange(value: string): void; id?: string }) {
  const choices = parameter.type === 'array' ? undefined : (parameter.enum ?? (parameter.type === 'boolean' ? ['true', 'false'] : undefined));
  if (choices)
    return (
      <select {...field} className="select mono" value={value} onChange={(e) => onChange(e.target.value)}>
        {!parameter.required || !choices.includes(value) ? <option value="">{parameter.required ? 'Choose…' : '(not sent)'}</option> : null}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  const placeholder = parameter.example ?? (parameter.enum ? parameter.enum.join(',') : parameter.type === 'integer' || parameter.type === 'number' ? '0' : '');
  return <input {...field} className="input mono" value={value} spellCheck={false} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />;
}

export function ParameterEditor({ operation, values, errors, onChange }: { operation: OpenApiOperation; values: ParameterValues; errors: Record<string, string>; onChange(values: ParameterValues): void }) {
  if (operation.parameters.length === 0) return null;
  return (
    <>
      {LOCATIONS.map(({ in: location, title }) => {
        const parameters = operation.parameters.filter((parameter) => parameter.in === location);
        if (parameters.length === 0) return null;
        return (
          <fieldset key={location} className="fieldset parameter-set">
            <legend className="fieldset-legend">{title}</legend>
            {parameters.map((parameter) => {
              const key = parameterKey(parameter);
              return (
                <Field key={key} label={<span className="mono">{parameter.name}</span>} required={parameter.required} hint={hintOf(parameter)} error={errors[key]}>
                  <Control parameter={parameter} value={values[key] ?? ''} onChange={(value) => onChange({ ...values, [key]: value })} />
                </Field>
              );
            })}
          </fieldset>
        );
      })}
    </>
  );
}
