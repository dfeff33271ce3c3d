/**
 * A number with a unit choice (60000 ms shows as 1 minutes). The config keeps its own unit
 * (Flex's `timePeriodInMilliseconds`); the hint says what the YAML will hold.
 */
import { useId, useState } from 'react';
import type { FieldUnit } from '../../../../../shared/policies/catalogue-entry';
import { bestUnit, unitChoices } from '../../../lib/schema-form';

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
  const id = useId();
  const stored = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  const shown = stored === undefined ? '' : tidy(stored / factor);
  const inConfig = stored !== undefined && factor !== 1 ? `${stored} ${unit} in the config` : undefined;
  const hint = [help, inConfig ? `(${inConfig})` : undefined].filter(Boolean).join(' ') || undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  // Field's markup by hand: one label over the number and its unit, side by side.
  return (
    <div className={`field ${error ? 'field-has-error' : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {required ? <span className="field-required" aria-hidden="true"> *</span> : null}
      </label>
      <div className="unit-field">
        <input
          id={id}
          className="input input-number"
          type="number"
          inputMode={integer && factor === 1 ? 'numeric' : 'decimal'}
          step="any"
          min={0}
          value={shown}
          placeholder={typeof placeholder === 'number' ? String(tidy(placeholder / factor)) : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : tidy(Number(e.target.value) * factor))}
        />
        <select
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
      {hint ? (
        <div id={hintId} className={error ? 'visually-hidden' : 'field-hint'}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div id={errorId} className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}
