/**
 * The operations of the API's OpenAPI document, grouped by tag (an operation with two tags is
 * under both, as in Swagger UI; untagged ones under "Other"), with a search over method, path,
 * summary and operationId. Choosing one fills Try it's method, path template and parameters.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ApiOperations, OpenApiOperation } from '../../../../../shared/collections/collection-models';
import { useClient } from '../../../state/store';

const UNTAGGED = 'Other';

function matches(operation: OpenApiOperation, words: string[]): boolean {
  const haystack = `${operation.method} ${operation.path} ${operation.summary ?? ''} ${operation.operationId ?? ''} ${operation.tags.join(' ')}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The operations of the API's kept document; undefined until loaded or when they cannot be (Try it works without them). */
export function useOperations(apiId: string): ApiOperations | undefined {
  const client = useClient();
  const [listed, setListed] = useState<ApiOperations>();
  useEffect(() => {
    let current = true;
    client.collections.operations({ apiId }).then(
      (result) => current && setListed(result),
      () => current && setListed(undefined),
    );
    return () => {
      current = false;
    };
  }, [client, apiId]);
  return listed;
}

export function groupByTag(listed: ApiOperations, search: string): { tag: string; description?: string; operations: OpenApiOperation[] }[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = listed.operations.filter((operation) => matches(operation, words));
  const groups = listed.tags.map((tag) => ({ ...tag, tag: tag.name, operations: shown.filter((operation) => operation.tags.includes(tag.name)) }));
  const untagged = shown.filter((operation) => operation.tags.length === 0);
  return [...groups.map(({ tag, description, operations }) => ({ tag, ...(description ? { description } : {}), operations })), { tag: UNTAGGED, operations: untagged }].filter((group) => group.operations.length > 0);
}

export function OperationsPanel({ listed, chosen, onChoose }: { listed: ApiOperations; chosen: string | undefined; onChoose(operation: OpenApiOperation): void }) {
  const [search, setSearch] = useState('');
  const groups = useMemo(() => groupByTag(listed, search), [listed, search]);
  return (
    <section className="collection-section" aria-label="Operations">
      <h3 className="subheading">
        Operations <span className="muted small">{listed.title ? `from ${listed.title}` : null}</span>
      </h3>
      <input className="input" type="search" placeholder="Search operations" aria-label="Search operations" value={search} onChange={(e) => setSearch(e.target.value)} />
      {groups.length === 0 ? <p className="muted small">No operation matches “{search}”.</p> : null}
      {groups.map((group) => (
        <div key={group.tag} className="operation-group" role="group" aria-label={group.tag}>
          <div className="operation-tag" title={group.description}>
            {group.tag}
          </div>
          <ul className="operation-list">
            {group.operations.map((operation) => (
              <li key={operation.key}>
                <button
                  type="button"
                  className={`operation-item ${operation.key === chosen ? 'operation-item-chosen' : ''} ${operation.deprecated ? 'operation-deprecated' : ''}`}
                  aria-pressed={operation.key === chosen}
                  title={operation.description ?? operation.summary ?? operation.key}
                  onClick={() => onChoose(operation)}
                >
                  <span className={`method-tag method-${operation.method.toLowerCase()}`}>{operation.method}</span>
                  <span className="operation-text">
                    <span className="mono truncate">{operation.path}</span>
                    {operation.summary ? <span className="muted small truncate">{operation.summary}</span> : null}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
