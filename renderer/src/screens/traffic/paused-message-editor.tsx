/**
 * One paused message, editable: a request (method, URL sent upstream, headers, body) or a
 * response (status, headers, body). Resume sends only what was changed; Respond answers a
 * paused request with a response written here; Drop closes the client's connection.
 */
import { useEffect, useState } from 'react';
import type { BreakpointState, HeldBody, PausedMessage, PausedSummary } from '../../../../shared/contract/breakpoints';
import type { MethodInput } from '../../../../shared/contract/methods';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '../../lib/errors';
import { formatBytes, formatTime } from '../../lib/format';
import { useClient } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button, IconButton } from '../../ui/button';
import { Field } from '../../ui/field';
import { Badge } from '../../ui/status-badge';
import { headersToText, textToHeaders } from './use-breakpoints';

interface Draft {
  method: string;
  url: string;
  status: string;
  headers: string;
  body: string;
}

function draftOf(message: PausedMessage): Draft {
  const response = message.response;
  return {
    method: message.request.method,
    url: message.request.url,
    status: response ? String(response.status) : '',
    headers: headersToText(response ? response.headers : message.request.headers),
    body: (response ? response.body : message.request.body)?.text ?? '',
  };
}

type Action = 'resume' | 'respond' | 'drop';

export function PausedMessageEditor({ summary, onDone, onClose }: { summary: PausedSummary; onDone(state: BreakpointState): void; onClose(): void }) {
  const client = useClient();
  const [message, setMessage] = useState<PausedMessage>();
  const [loadError, setLoadError] = useState<string>();
  const [draft, setDraft] = useState<Draft>();
  const [responding, setResponding] = useState(false);
  const [answer, setAnswer] = useState({ status: '200', headers: 'content-type: application/json', body: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState<Action>();

  useEffect(() => {
    let live = true;
    setMessage(undefined);
    setLoadError(undefined);
    setResponding(false);
    setErrors({});
    client.breakpoints.paused({ id: summary.id }).then(
      (loaded) => {
        if (!live) return;
        setMessage(loaded);
        setDraft(draftOf(loaded));
      },
      (error: unknown) => {
        if (live) setLoadError(errorMessage(error));
      },
    );
    return () => {
      live = false;
    };
  }, [client, summary.id, summary.phase]);

  async function act(action: Action, call: () => Promise<BreakpointState>) {
    setPending(action);
    try {
      onDone(await call());
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setErrors(Object.keys(fields).length > 0 ? fields : { '': errorMessage(error) });
    } finally {
      setPending(undefined);
    }
  }

  function resume() {
    if (!message || !draft) return;
    const original = draftOf(message);
    const edit: MethodInput<'breakpoints.resume'> = { id: summary.id };
    if (draft.method.trim() !== original.method) edit.method = draft.method.trim();
    if (draft.url.trim() !== original.url) edit.url = draft.url.trim();
    if (draft.status !== original.status) edit.status = Number(draft.status);
    if (draft.headers !== original.headers) {
      const parsed = textToHeaders(draft.headers);
      if ('error' in parsed) return setErrors({ headers: parsed.error });
      edit.headers = parsed.headers;
    }
    if (draft.body !== original.body) {
      edit.body = draft.body;
      edit.bodyEncoding = heldBodyOf(message)?.encoding ?? 'utf8';
    }
    void act('resume', () => client.breakpoints.resume(edit));
  }

  function respond() {
    const parsed = textToHeaders(answer.headers);
    if ('error' in parsed) return setErrors({ headers: parsed.error });
    void act('respond', () => client.breakpoints.respond({ id: summary.id, status: Number(answer.status), headers: parsed.headers, body: answer.body }));
  }

  const isResponse = summary.phase === 'response';
  const body = message ? heldBodyOf(message) : undefined;
  return (
    <section className="card paused-editor" aria-label={`Paused ${summary.phase} ${summary.method} ${summary.target}`}>
      <div className="card-header card-header-padded">
        <div>
          <h3 className="card-title">
            <Badge tone="warning" dot>
              {isResponse ? 'Response paused' : 'Request paused'}
            </Badge>{' '}
            <span className="mono">
              {summary.method} {summary.target}
            </span>
          </h3>
          <p className="muted small">
            {summary.apiName ? `${summary.apiName} · ` : ''}
            {isResponse ? 'Edit the response, then resume to send it to the client, or drop to close the connection.' : 'Edit the request, then resume to send it upstream; respond to answer it yourself; drop to close the connection.'}{' '}
            Resumes unchanged at {formatTime(summary.expiresAt)}.
          </p>
        </div>
        <IconButton icon="x" label="Close editor" onClick={onClose} />
      </div>
      {loadError ? <Banner kind="error" title="This message is no longer paused">{loadError}</Banner> : null}
      {errors[''] ? <Banner kind="error" title="Could not apply">{errors['']}</Banner> : null}
      {message && draft ? (
        <div className="paused-editor-body">
          {!responding ? (
            <>
              {isResponse ? (
                <Field label="Status" error={errors.status}>
                  <input className="input input-number" inputMode="numeric" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })} />
                </Field>
              ) : (
                <div className="form-row">
                  <Field label="Method" error={errors.method} className="field-narrow">
                    <input className="input mono" value={draft.method} onChange={(e) => setDraft({ ...draft, method: e.target.value })} />
                  </Field>
                  <Field label={`URL sent to ${message.upstream || 'the upstream'}`} hint="Path and query" error={errors.url}>
                    <input className="input mono" value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} />
                  </Field>
                </div>
              )}
              <Field label={isResponse ? 'Response headers' : 'Request headers'} hint="One per line: name: value. Content-Length is recomputed." error={errors.headers}>
                <textarea className="textarea mono" rows={Math.min(14, Math.max(4, draft.headers.split('\n').length + 1))} spellCheck={false} value={draft.headers} onChange={(e) => setDraft({ ...draft, headers: e.target.value })} />
              </Field>
              <Field label={isResponse ? 'Response body' : 'Request body'} hint={bodyHint(body)} error={errors.body}>
                <textarea className="textarea mono" rows={8} spellCheck={false} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
              </Field>
            </>
          ) : (
            <>
              <Field label="Status" error={errors.status}>
                <input className="input input-number" inputMode="numeric" value={answer.status} onChange={(e) => setAnswer({ ...answer, status: e.target.value })} />
              </Field>
              <Field label="Response headers" hint="One per line: name: value." error={errors.headers}>
                <textarea className="textarea mono" rows={4} spellCheck={false} value={answer.headers} onChange={(e) => setAnswer({ ...answer, headers: e.target.value })} />
              </Field>
              <Field label="Response body" error={errors.body}>
                <textarea className="textarea mono" rows={8} spellCheck={false} value={answer.body} onChange={(e) => setAnswer({ ...answer, body: e.target.value })} />
              </Field>
            </>
          )}
          <div className="paused-editor-actions">
            {responding ? (
              <>
                <Button variant="ghost" onClick={() => setResponding(false)}>
                  Back to the request
                </Button>
                <Button variant="primary" icon="send" onClick={respond} pending={pending === 'respond'}>
                  Send response
                </Button>
              </>
            ) : (
              <>
                <Button variant="danger" onClick={() => void act('drop', () => client.breakpoints.drop({ id: summary.id }))} pending={pending === 'drop'}>
                  Drop
                </Button>
                {isResponse ? null : (
                  <Button onClick={() => setResponding(true)}>
                    {'Respond\u2026'}
                  </Button>
                )}
                <Button variant="primary" icon="play" onClick={resume} pending={pending === 'resume'}>
                  Resume
                </Button>
              </>
            )}
          </div>
        </div>
      ) : loadError ? null : (
        <p className="muted small paused-editor-body">{'Loading\u2026'}</p>
      )}
    </section>
  );
}

function heldBodyOf(message: PausedMessage): HeldBody | undefined {
  return message.response ? message.response.body : message.request.body;
}

function bodyHint(body: HeldBody | undefined): string {
  if (body === undefined) return 'No body; text typed here is sent as one.';
  const parts = [formatBytes(body.size)];
  if (body.decodedFrom) parts.push(`shown decoded from ${body.decodedFrom}; an edited body is sent unencoded`);
  if (body.encoding === 'base64') parts.push('binary, shown as base64');
  return parts.join(' · ');
}
