/**
 * header-removal-flex: removes headers from the request sent upstream (inbound) and from the
 * response sent to the client (outbound). Names are matched case-insensitively.
 */
import type { HeaderRemovalConfig } from '../../shared/policies/header-removal';
import type { PolicyDefinition } from './types';

export const headerRemovalPolicy: PolicyDefinition<HeaderRemovalConfig> = {
  name: 'header-removal-flex',
  create(config) {
    const inbound = [...new Set(config.inboundHeaders.map((name) => name.toLowerCase()))];
    const outbound = [...new Set(config.outboundHeaders.map((name) => name.toLowerCase()))];
    const removeOutbound = (response: { headers: Record<string, unknown> }) => {
      const headers = response.headers;
      for (const name of outbound) delete headers[name];
      // Response heads built elsewhere may not use lower-case names.
      for (const key of Object.keys(headers)) if (key !== key.toLowerCase() && outbound.includes(key.toLowerCase())) delete headers[key];
    };
    const detail = [inbound.length ? `inbound: ${inbound.join(', ')}` : '', outbound.length ? `outbound: ${outbound.join(', ')}` : ''].filter(Boolean).join('; ');
    return {
      onRequest(request) {
        const headers = request.headers as Record<string, unknown>;
        for (const name of inbound) delete headers[name];
        if (outbound.length > 0) request.onResponse(removeOutbound);
        return { action: 'continue', modified: inbound.length + outbound.length > 0, detail };
      },
    };
  },
};
