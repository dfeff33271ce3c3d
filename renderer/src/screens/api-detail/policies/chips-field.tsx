/**
 * A list of short values (origins, methods, header names, IPs, audiences) as chips: type and
 * press Enter (or paste several, separated by commas or spaces), remove with ×. Bad items are
 * marked and named in the error under the field.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../../ui/icons';

export interface ChipsFieldProps {
  label: string;
  hint?: string;
  /** The list's own error and each bad item's, already joined. */
  error?: string;
  invalidItems: ReadonlySet<number>;
  items: string[];
  suggestions?: readonly string[];
  placeholder?: string;
  required?: boolean;
  onAdd(values: string[]): void;
  onRemove(index: number): void;
}

/** Several values pasted or typed at once; a regex with `{m,n}` stays one value. */
function splitValues(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.includes('{') ? [trimmed] : trimmed.split(/[\s,]+/).filter(Boolean);
}

export function ChipsField({ label, hint, error, invalidItems, items, suggestions, placeholder, required, onAdd, onRemove }: ChipsFieldProps) {
  const id = useId();
  const [text, setText] = useState('');
  const commit = () => {
    const values = splitValues(text);
    setText('');
    if (values.length > 0) onAdd(values);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      // Enter adds the value; it must not submit the form.
      event.preventDefault();
      commit();
    }
  };
  const missing = (suggestions ?? []).filter((value) => !items.some((item) => item.toLowerCase() === value.toLowerCase()));
  return (
    <div className={`field chips-field ${error ? 'field-has-error' : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {required ? <span className="field-required" aria-hidden="true"> *</span> : null}
      </label>
      {items.length > 0 ? (
        <ul className="chips chip-list" aria-label={label}>
          {items.map((item, index) => (
            <li key={`${index}-${item}`} className={`chip ${invalidItems.has(index) ? 'chip-invalid' : ''}`}>
              <span className="mono">{item}</span>
              <button type="button" className="chip-remove" aria-label={`Remove ${item} from ${label}`} onClick={() => onRemove(index)}>
                <Icon name="x" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id={id}
        className="input mono"
        value={text}
        placeholder={placeholder ? `Add, e.g. ${placeholder}` : 'Type and press Enter'}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={commit}
      />
      {missing.length > 0 ? (
        <div className="chip-suggestions">
          {missing.map((value) => (
            <button key={value} type="button" className="chip chip-suggestion" aria-label={`Add ${value} to ${label}`} onClick={() => onAdd([value])}>
              <Icon name="plus" /> {value}
            </button>
          ))}
        </div>
      ) : null}
      {hint ? (
        <div id={`${id}-hint`} className={error ? 'visually-hidden' : 'field-hint'}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}
