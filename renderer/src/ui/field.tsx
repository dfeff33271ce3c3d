/**
 * Form fields: label, control, hint and the field's error right below it (aria-describedby, so
 * screen readers read the error with the field). Errors come from zod or ContractError.details.
 */
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

export interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** One control; it receives id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>;
  className?: string;
  /** Renders the label after the control (checkboxes). */
  inline?: boolean;
  required?: boolean;
}

export function Field({ label, hint, error, children, className, inline, required }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const control = isValidElement(children)
    ? cloneElement(children, {
        id: (children.props.id as string | undefined) ?? id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
      })
    : children;
  const controlId = (isValidElement(children) && (children.props.id as string | undefined)) || id;
  const labelNode = (
    <label htmlFor={controlId} className="field-label">
      {label}
      {required ? <span className="field-required" aria-hidden="true"> *</span> : null}
    </label>
  );
  return (
    <div className={`field ${inline ? 'field-inline' : ''} ${error ? 'field-has-error' : ''} ${className ?? ''}`}>
      {inline ? (
        <div className="field-inline-row">
          {control}
          {labelNode}
        </div>
      ) : (
        <>
          {labelNode}
          {control}
        </>
      )}
      {hint && !error ? (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      ) : hint ? (
        <div id={hintId} className="visually-hidden">
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
