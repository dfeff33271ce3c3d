/** Editable request headers: name/value rows with an empty row always at the end. */
import { IconButton } from '../../../ui/button';

export interface HeaderRow {
  name: string;
  value: string;
}

export function headersFromRows(rows: HeaderRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows) if (row.name.trim()) out[row.name.trim()] = row.value;
  return out;
}

export function HeaderRows({ rows, onChange }: { rows: HeaderRow[]; onChange(rows: HeaderRow[]): void }) {
  const shown = rows.length === 0 || rows[rows.length - 1]!.name !== '' ? [...rows, { name: '', value: '' }] : rows;
  const set = (index: number, patch: Partial<HeaderRow>) => onChange(shown.map((row, i) => (i === index ? { ...row, ...patch } : row)).filter((row, i, all) => i === all.length - 1 || row.name !== '' || row.value !== ''));
  return (
    <div className="header-rows">
      {shown.map((row, index) => (
        <div key={index} className="header-row">
          <input className="input mono" placeholder="Header" aria-label={`Header ${index + 1} name`} value={row.name} spellCheck={false} onChange={(e) => set(index, { name: e.target.value })} />
          <input className="input mono" placeholder="Value" aria-label={`Header ${index + 1} value`} value={row.value} spellCheck={false} onChange={(e) => set(index, { value: e.target.value })} />
          <IconButton icon="x" label={`Remove header ${index + 1}`} disabled={index === shown.length - 1 && row.name === ''} onClick={() => onChange(shown.filter((_, i) => i !== index && !(i === shown.length - 1 && shown[i]!.name === '')))} />
        </div>
      ))}
    </div>
  );
}
