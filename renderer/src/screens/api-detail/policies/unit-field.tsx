/**
 * A number with a unit choice (60000 ms shows as 1 minutes). The config keeps its own unit
 * (Flex's `timePeriodInMilliseconds`); the hint says what the YAML will hold.
 */
import { useId, useState } from 'react';
import type { FieldUnit } from '../../../../../shared/policies/catalogue-entry';
import { bestUnit, unitChoices } from '../../../lib/schema-form';
import { Field } from '../../../ui/field';

export interface UnitFieldProps {
  label: string;
  help?: string;
  error?: string;
  required: boolean;
  unit: FieldUnit;
  value: unknown;
  integer: boolean;
  placeholder?: unknown;
  onChange(value: number | undefined): void;
}

/** Undo float noise (0.1 × 1000 = 100.00000000000001). */
const tidy = (value: number) => Math.round(value * 1e6) / 1e6;

export function UnitField({ label, help, error, required, unit, value, integer, placeholder, onChange }: UnitFieldProps) {
  const choices = unitChoices(unit);
  const [factor, setFactor] = useState(() => bestUnit(value ?? placeholder, unit).factor);
  const unitId = useId();
  const stored = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  const shown = stored === undefined ? '' : tidy(stored / factor);
  const inConfig = stored !== undefined && factor !== 1 ? `${stored} ${unit} in the config` : undefined;
  const hint = [help, inConfig ? `(${inConfig})` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className="unit-field">
      <Field label={label} hint={hint} error={error} required={required} className="grow">
        <input
          className="input input-number"
          type="number"
          inputMode={integer && factor === 1 ? 'numeric' : 'decimal'}
          step="any"
          min={0}
          value={shown}
          placeholder={typeof placeholder === 'number' ? String(tidy(placeholder / factor)) : undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : tidy(Number(e.target.value) * factor))}
        />
      </Field>
      <select
        id={unitId}
        className="select unit-select"
        aria-label={`${label} unit`}
        value={factor}
        onChange={(e) => {
          const next = Number(e.target.value);
          setFactor(next);
          // The number stays as typed; only its unit changes.
          if (stored !== undefined) onChange(tidy((stored / factor) * next));
        }}
      >
        {choices.map((choice) => (
          <option key={choice.label} value={choice.factor}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}
