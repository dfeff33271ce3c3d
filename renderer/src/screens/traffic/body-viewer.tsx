/**
 * One captured body in the traffic drawer: JSON (pretty), text, hex or image, chosen by content
 * type and switchable; the "truncated at N of M bytes" note; decoded when it was gzip/br/deflate.
 */
import { useEffect, useMemo, useState } from 'react';
import type { CapturedBody } from '../../../../shared/contract/capture-models';
import { type BodyViewKind, defaultView, displayBytes, hexDump, isDecoded, prettyJson, truncationNote, utf8 } from '../../lib/body-format';
import { Banner } from '../../ui/banner';
import { CopyButton } from '../../ui/copy-button';
import { Segmented } from '../../ui/tabs';

const KINDS: { value: BodyViewKind; label: string }[] = [
  { value: 'json', label: 'JSON' },
  { value: 'text', label: 'Text' },
  { value: 'hex', label: 'Hex' },
  { value: 'image', label: 'Image' },
];

/** Text longer than this is cut in the view (the copy button copies all of it). */
const MAX_SHOWN_CHARS = 200_000;

export function BodyViewer({ title, body, size, pending }: { title: string; body: CapturedBody | null | undefined; size?: number | undefined; pending?: boolean }) {
  const bytes = useMemo(() => (body ? displayBytes(body) : undefined), [body]);
  const [kind, setKind] = useState<BodyViewKind>('text');
  useEffect(() => {
    if (body && bytes) setKind(defaultView(body.contentType, bytes));
  }, [body, bytes]);

  const label = title.toLowerCase().replace(/\s+/g, '-');
  if (pending) return <BodySection title={title}><p className="muted small">Loading…</p></BodySection>;
  if (!body || !bytes)
    return (
      <BodySection title={title}>
        <p className="muted small">{size ? `Not captured (${size.toLocaleString('en-US')} bytes went through).` : 'No body.'}</p>
      </BodySection>
    );

  const text = kind === 'json' || kind === 'text' ? utf8(bytes) : '';
  const pretty = kind === 'json' ? prettyJson(text) : undefined;
  const shown = kind === 'json' ? (pretty ?? text) : text;
  const note = truncationNote(body);
  return (
    <BodySection title={title}>
      <div className="row body-toolbar">
        <Segmented label={`${title} view`} value={kind} onChange={setKind} options={KINDS} />
        <span className="muted small" data-testid={`${label}-meta`}>
          {body.contentType ?? 'no content type'} · {bytes.length.toLocaleString('en-US')} bytes
          {isDecoded(body) ? ` (decoded from ${body.contentEncoding}, ${body.captured.toLocaleString('en-US')} sent)` : ''}
        </span>
        {kind === 'json' || kind === 'text' ? <CopyButton text={shown} label={`Copy ${title.toLowerCase()}`} /> : null}
      </div>
      {note ? (
        <Banner kind="warning">
          <span data-testid={`${label}-truncated`}>Body {note}; the rest went through but was not kept.</span>
        </Banner>
      ) : null}
      {body.decoded?.error ? <Banner kind="warning">{body.decoded.error}; showing the bytes as sent.</Banner> : null}
      {kind === 'json' && pretty === undefined ? <p className="muted small">Not valid JSON{note ? ' (it was cut)' : ''}; shown as text.</p> : null}
      {kind === 'image' ? (
        <img className="body-image" alt={`${title} (${body.contentType ?? 'image'})`} src={`data:${body.contentType ?? 'image/png'};base64,${isDecoded(body) ? body.decoded!.base64 : body.base64}`} />
      ) : (
        <pre className="code-block body-pre" data-testid={`${label}-text`}>
          {kind === 'hex' ? hexDump(bytes) : shown.length > MAX_SHOWN_CHARS ? `${shown.slice(0, MAX_SHOWN_CHARS)}\n…` : shown}
        </pre>
      )}
    </BodySection>
  );
}

function BodySection({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title}>
      <h3 className="subheading">{title}</h3>
      {children}
    </section>
  );
}
