/**
 * "Import OpenAPI": pick or drop a JSON/YAML file; a good one opens "Add API" prefilled (name,
 * version, base path, upstream), a bad one says what is wrong, with the line when it has one.
 */
import { useState, type DragEvent } from 'react';
import { readFileText } from '../../lib/browser';
import { parseOpenApi } from '../../lib/openapi';
import { useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Icon } from '../../ui/icons';

export function ImportOpenApiDialog({ onClose }: { onClose(): void }) {
  const openDialog = useAppStore((s) => s.openDialog);
  const [error, setError] = useState<string>();
  const [dragging, setDragging] = useState(false);

  async function load(file: File | undefined) {
    if (!file) return;
    setError(undefined);
    let text: string;
    try {
      text = await readFileText(file);
    } catch (caught) {
      setError(`${file.name}: could not read the file (${(caught as Error).message})`);
      return;
    }
    const result = parseOpenApi(text, file.name);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    const { name, version, basePath, implementationUrl, description, warnings, operations } = result.value;
    const note = `${file.name} (${operations} operation${operations === 1 ? '' : 's'})${warnings.length ? `. ${warnings.join('; ')}` : ''}`;
    openDialog({ name: 'add-api', initial: { name, version, basePath, implementationUrl: implementationUrl ?? '', ...(description ? { description } : {}) }, source: note, openApiDocument: text });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void load(event.dataTransfer.files[0]);
  }

  return (
    <Dialog title="Import OpenAPI" description="An OpenAPI 3 document (JSON or YAML) creates an API with its name, version, base path and upstream." onClose={onClose}>
      <div className="stack">
        <label
          className={`dropzone ${dragging ? 'dropzone-active' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <Icon name="upload" size={22} />
          <span className="dropzone-title">Drop a file here, or choose one</span>
          <span className="muted">.json, .yaml or .yml</span>
          <input
            type="file"
            className="visually-hidden"
            accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
            aria-label="OpenAPI file"
            data-autofocus
            onChange={(e) => void load(e.target.files?.[0])}
          />
        </label>
        {error ? (
          <Banner kind="error" title="This file cannot be imported">
            {error}
          </Banner>
        ) : null}
      </div>
      <div className="dialog-footer">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </Dialog>
  );
}
