/**
 * Hand-written mock routes: method, path pattern ({id}, :id, a final *), status, content type
 * and body. A body that parses as JSON is sent as JSON.
 */
import type { MockRoute } from '../../../../../shared/mocks/mock-models';
import { Button, IconButton } from '../../../ui/button';
import { Field } from '../../../ui/field';

export interface RouteDraft {
  method: string;
  path: string;
  status: string;
  contentType: string;
  body: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'];

export function draftOf(route: MockRoute): RouteDraft {
  const contentType = route.headers['content-type'] ?? (route.body !== undefined && typeof route.body !== 'string' ? 'application/json' : '');
  const body = route.body === undefined ? '' : typeof route.body === 'string' ? route.body : JSON.stringify(route.body, null, 2);
  return { method: route.method, path: route.path, status: String(route.status), contentType, body };
}

/** What the admin API takes; the server validates (and names the field of) anything wrong. */
export function routeOf(draft: RouteDraft): Record<string, unknown> {
  const headers: Record<string, string> = {};
  if (draft.contentType.trim()) headers['content-type'] = draft.contentType.trim();
  return { method: draft.method, path: draft.path.trim(), status: Number(draft.status), headers, body: draft.body };
}

export const emptyRoute = (): RouteDraft => ({ method: 'GET', path: '/', status: '200', contentType: 'application/json', body: '{}' });

export function RouteEditor({ routes, errors, onChange }: { routes: RouteDraft[]; errors: Record<string, string>; onChange(routes: RouteDraft[]): void }) {
  const set = (index: number, patch: Partial<RouteDraft>) => onChange(routes.map((route, i) => (i === index ? { ...route, ...patch } : route)));
  return (
    <div className="stack" aria-label="Mock routes">
      {routes.length === 0 ? <p className="muted small">No routes yet: add one, e.g. GET /users/{'{id}'} answering a JSON body.</p> : null}
      {routes.map((route, index) => (
        <fieldset key={index} className="fieldset" aria-label={`Route ${index + 1}`}>
          <div className="row">
            <Field label="Method" error={errors[`routes[${index}].method`]}>
              <select className="select" value={route.method} onChange={(e) => set(index, { method: e.target.value })}>
                {METHODS.map((method) => (
                  <option key={method} value={method}>
                    {method === '*' ? 'Any' : method}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Path" hint="Below the API base path; {id} or :id matches a segment, a final * the rest" error={errors[`routes[${index}].path`]} className="grow">
              <input className="input mono" value={route.path} spellCheck={false} onChange={(e) => set(index, { path: e.target.value })} />
            </Field>
            <Field label="Status" error={errors[`routes[${index}].status`]}>
              <input className="input" inputMode="numeric" value={route.status} onChange={(e) => set(index, { status: e.target.value })} />
            </Field>
            <IconButton icon="trash" label={`Remove route ${index + 1}`} onClick={() => onChange(routes.filter((_, i) => i !== index))} />
          </div>
          <Field label="Content type" error={errors[`routes[${index}].headers`]}>
            <input className="input mono" value={route.contentType} spellCheck={false} onChange={(e) => set(index, { contentType: e.target.value })} />
          </Field>
          <Field label="Body" error={errors[`routes[${index}].body`]}>
            <textarea className="textarea mono" rows={4} value={route.body} spellCheck={false} onChange={(e) => set(index, { body: e.target.value })} />
          </Field>
        </fieldset>
      ))}
      <div>
        <Button icon="plus" onClick={() => onChange([...routes, emptyRoute()])}>
          Add route
        </Button>
      </div>
    </div>
  );
}
