/**
 * The first-run card: a working managed API in three clicks. "Add the sample API" creates an
 * API in front of the bundled JSONPlaceholder-like demo upstream and opens Try it.
 */
import { useState } from 'react';
import { apiPath, navigate } from '../../router/router';
import { useAppStore } from '../../state/store';
import { errorMessage } from '../../lib/errors';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Icon } from '../../ui/icons';

export const SAMPLE_API = { name: 'JSONPlaceholder sample', version: 'v1', basePath: '/sample' };

export function FirstRun() {
  const createSampleApi = useAppStore((s) => s.createSampleApi);
  const openDialog = useAppStore((s) => s.openDialog);
  const pushToast = useAppStore((s) => s.pushToast);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function addSample() {
    setPending(true);
    setError(undefined);
    try {
      const api = await createSampleApi(SAMPLE_API);
      pushToast({ kind: 'success', title: 'Sample API added', message: 'Send your first request through the gateway.' });
      navigate(`${apiPath(api.id, 'try')}?path=${encodeURIComponent('/posts/1')}`);
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  return (
    <section className="first-run card" aria-labelledby="first-run-title">
      <div className="first-run-intro">
        <div className="first-run-icon">
          <Icon name="logo" size={26} />
        </div>
        <div>
          <h2 id="first-run-title" className="first-run-title">
            Put a gateway in front of your first API
          </h2>
          <p className="muted">Gatehouse runs a local API gateway: add an API, attach policies such as rate limiting, and watch every request live.</p>
        </div>
      </div>
      <ol className="first-run-steps">
        <li className="first-run-step first-run-step-main">
          <div className="step-number">1</div>
          <div className="step-body">
            <div className="step-title">Try it with the sample API</div>
            <p className="muted small">
              A JSONPlaceholder-like API (posts, users, todos) from the demo upstream bundled with Gatehouse. It starts on <code>127.0.0.1:3000</code> when it is not running already.
            </p>
            <Button variant="primary" icon="zap" pending={pending} onClick={addSample}>
              Add the sample API
            </Button>
          </div>
        </li>
        <li className="first-run-step">
          <div className="step-number">2</div>
          <div className="step-body">
            <div className="step-title">Or bring your own</div>
            <p className="muted small">Point Gatehouse at any HTTP API by URL, or import an OpenAPI 3 file.</p>
            <div className="row">
              <Button icon="plus" onClick={() => openDialog({ name: 'add-api' })}>
                Add API
              </Button>
              <Button icon="upload" onClick={() => openDialog({ name: 'import-openapi' })}>
                Import OpenAPI
              </Button>
            </div>
          </div>
        </li>
      </ol>
      {error ? (
        <Banner kind="error" title="The sample API could not be added">
          {error}
        </Banner>
      ) : null}
    </section>
  );
}
