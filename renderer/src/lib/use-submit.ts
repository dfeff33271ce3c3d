/**
 * Runs a form's action: pending state, field errors (from local zod validation or from the
 * ContractError's details) and a banner message for what no field explains.
 */
import { useCallback, useState } from 'react';
import type { z } from 'zod';
import { errorMessage, fieldErrorsOf, zodFieldErrors, type FieldErrors } from './errors';

export interface SubmitState {
  pending: boolean;
  /** Shown in a banner above the buttons. */
  error?: string;
  fields: FieldErrors;
}

export function useSubmit() {
  const [state, setState] = useState<SubmitState>({ pending: false, fields: {} });

  /** Validates `input` with `schema` first (errors shown at once, nothing sent), then runs. */
  const run = useCallback(async <T,>(action: () => Promise<T>, check?: { schema: z.ZodType; input: unknown; prefix?: string }): Promise<T | undefined> => {
    if (check) {
      const parsed = check.schema.safeParse(check.input);
      if (!parsed.success) {
        setState({ pending: false, fields: zodFieldErrors(parsed.error), error: undefined });
        return undefined;
      }
    }
    setState({ pending: true, fields: {} });
    try {
      const result = await action();
      setState({ pending: false, fields: {} });
      return result;
    } catch (error) {
      const fields = fieldErrorsOf(error, check?.prefix);
      const unexplained = Object.keys(fields).length === 0 || fields[''] !== undefined;
      setState({ pending: false, fields, error: unexplained ? errorMessage(error) : undefined });
      return undefined;
    }
  }, []);

  const clearField = useCallback((path: string) => {
    setState((current) => {
      if (!(path in current.fields)) return current;
      const fields = { ...current.fields };
      delete fields[path];
      return { ...current, fields };
    });
  }, []);

  return { ...state, run, clearField, setState };
}
