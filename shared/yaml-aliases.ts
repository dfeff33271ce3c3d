/**
 * The alias budget of a YAML text, checked in one linear pass before anything walks it.
 * A few hundred bytes of nested anchors ("billion laughs": `b: &b [*a,*a,…]`, `c: &c [*b,…]`, …)
 * expand to billions of nodes; whatever follows the aliases (toJS, our own walker, zod, a
 * JSON.stringify) then freezes or runs out of memory. The pass computes, bottom-up, what each
 * anchored node costs once expanded (aliases, nodes, depth), so an alias costs O(1) to price and
 * the first one that goes over budget is named with its own line. It also records where each
 * alias points, so the walker never calls Alias.resolve (a scan of the whole document per call),
 * and finds duplicate keys with one Set per mapping (the yaml package's check is quadratic:
 * 40,000 keys took 16 s).
 */
import { isAlias, isCollection, isMap, isPair, isScalar, type Alias, type Node } from 'yaml';

/** Alias expansions per text (every alias reached while walking with aliases followed). */
export const MAX_YAML_ALIASES = 1000;
/** Nodes that expanding aliases may add to a text, all aliases together. */
export const MAX_YAML_ALIAS_NODES = 100_000;
/** Nesting depth, while parsing and once aliases are expanded. */
export const MAX_YAML_DEPTH = 128;

export interface AliasBudget {
  aliases: number;
  nodes: number;
}

export interface AliasProblem {
  /** Offset of the offending alias in the text. */
  offset: number;
  message: string;
  /** `syntax`: an alias without an anchor; `limit`: over the budget. */
  kind: 'syntax' | 'limit';
}

interface Cost {
  aliases: number;
  nodes: number;
  depth: number;
}

interface Frame {
  node: unknown;
  children: unknown[];
  next: number;
  /** The node is a collection (a nesting level); pairs are not. */
  level: boolean;
  cost: Cost;
}

export interface CheckedDocument {
  /** Where each alias points. */
  targets: Map<Alias, Node>;
  /** Offsets of mapping keys written twice (with `uniqueKeys`). */
  duplicateKeys: number[];
}

/**
 * Checks one document's aliases against `budget` (spent across the documents of a text) and
 * returns where each alias points, or the first alias that breaks a limit.
 */
export function checkDocument(contents: Node | null, budget: AliasBudget, uniqueKeys: boolean): CheckedDocument | AliasProblem {
  const targets = new Map<Alias, Node>();
  const duplicateKeys: number[] = [];
  if (!contents) return { targets, duplicateKeys };
  // Anchors as seen so far in document order: an alias means the last anchor of its name before it.
  const anchors = new Map<string, Node>();
  // Cost of every finished anchored node; anchored but unfinished means "an ancestor of here".
  const costs = new Map<Node, Cost>();
  const stack: Frame[] = [];
  let levels = 0;

  const add = (into: Cost, cost: Cost) => {
    into.aliases += cost.aliases;
    into.nodes += cost.nodes;
    into.depth = Math.max(into.depth, cost.depth);
  };
  /** Prices a node with no children (scalar, alias) or opens a frame for a collection or pair. */
  const enter = (node: unknown): Cost | AliasProblem | undefined => {
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      const target = anchors.get(node.source);
      if (!target) return { offset, kind: 'syntax', message: `unknown alias *${node.source} (its anchor &${node.source} must come before it)` };
      const cost = costs.get(target);
      if (!cost) return { offset, kind: 'limit', message: `too many aliases: *${node.source} is inside its own anchor &${node.source}, so it never ends` };
      targets.set(node, target);
      budget.aliases += 1 + cost.aliases;
      budget.nodes += cost.nodes;
      if (budget.aliases > MAX_YAML_ALIASES)
        return { offset, kind: 'limit', message: `too many aliases: *${node.source} takes the file over ${MAX_YAML_ALIASES} alias expansions (nested anchors that multiply, a YAML alias bomb?)` };
      if (budget.nodes > MAX_YAML_ALIAS_NODES) return { offset, kind: 'limit', message: `too many aliases: *${node.source} takes what aliases copy over ${MAX_YAML_ALIAS_NODES} nodes` };
      if (levels + cost.depth > MAX_YAML_DEPTH) return { offset, kind: 'limit', message: `too many aliases: *${node.source} nests the document deeper than ${MAX_YAML_DEPTH} levels` };
      return { aliases: 1 + cost.aliases, nodes: cost.nodes, depth: cost.depth };
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node as Node);
    if (uniqueKeys && isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) duplicateKeys.push(pair.key.range?.[0] ?? 0);
        else seen.add(pair.key.value);
      }
    }
    if (isCollection(node) || isPair(node)) {
      const level = isCollection(node);
      const children = level ? node.items : [node.key, node.value];
      if (level) levels++;
      stack.push({ node, children, next: 0, level, cost: { aliases: 0, nodes: level ? 1 : 0, depth: 0 } });
      return undefined;
    }
    const cost = { aliases: 0, nodes: isScalar(node) ? 1 : 0, depth: isScalar(node) ? 1 : 0 };
    if (anchor) costs.set(node as Node, cost);
    return cost;
  };

  // Iterative post-order: a deep document must not overflow the stack here.
  const first = enter(contents);
  if (first && 'message' in first) return first;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (child === null || child === undefined) continue;
      const cost = enter(child);
      if (cost && 'message' in cost) return cost;
      if (cost) add(frame.cost, cost);
      continue;
    }
    stack.pop();
    if (frame.level) {
      levels--;
      frame.cost.depth += 1;
    }
    if ((frame.node as { anchor?: string }).anchor) costs.set(frame.node as Node, frame.cost);
    const parent = stack[stack.length - 1];
    if (parent) add(parent.cost, frame.cost);
  }
  return { targets, duplicateKeys };
}
