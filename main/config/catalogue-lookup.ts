/** The policy catalogue (shared/policies) as the config compiler sees it. */
import { findPolicy, policyNames } from '../../shared/policies/catalogue';
import type { PolicyLookup } from './compile-bindings';

/** `route` is Flex's routing binding, handled by the compiler itself; it is listed for suggestions. */
export const catalogueLookup: PolicyLookup = {
  find: (name) => findPolicy(name),
  names: () => [...policyNames(), 'route'],
};
