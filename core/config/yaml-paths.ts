import { isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { documentStart, positionAt, type Position, type YamlDocument } from './yaml-documents.js';

/** A path into a document: map keys and list indexes, from the document root. */
export type YamlPath = ReadonlyArray<string | number>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.agents[0].patterns[1]`; odd keys are quoted: `spec.context.env["A.B"]`. */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Turns an ajv instancePath (JSON pointer) into a path, numbering list items by the data itself. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path.push(Number(key));
      current = current[Number(key)];
    } else {
      path.push(key);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

interface Located {
  /** The node at the deepest segment that exists. */
  node: Node | undefined;
  /** The map key that led to `node`, when it was reached through a map. */
  key: Node | undefined;
  /** How many segments of the path exist in the document. */
  depth: number;
}

function locate(yaml: YamlDocument, path: YamlPath): Located {
  let node: Node | undefined = yaml.doc.contents ?? undefined;
  let key: Node | undefined;
  let depth = 0;
  for (const segment of path) {
    const container: unknown = isAlias(node) ? node.resolve(yaml.doc) : node;
    let next: { node: Node | undefined; key: Node | undefined } | undefined;
    if (isMap(container)) {
      const pair = container.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair) next = { node: (pair.value as Node | null) ?? undefined, key: pair.key as Node };
    } else if (isSeq(container) && typeof segment === 'number') {
      const item = container.items[segment] as Node | undefined;
      if (item !== undefined) next = { node: item, key: undefined };
    }
    if (!next) break;
    ({ node, key } = next);
    depth++;
  }
  return { node, key, depth };
}

function startOf(yaml: YamlDocument, node: Node | undefined): Position | undefined {
  return node?.range ? positionAt(yaml, node.range[0]) : undefined;
}

/**
 * Where to point an operator for `path`: its value (`at: 'value'`) or its key (`at: 'key'`,
 * for unknown or misplaced fields). A path that does not exist points at its deepest existing parent.
 */
export function positionOf(yaml: YamlDocument, path: YamlPath, at: 'key' | 'value' = 'value'): Position {
  const found = locate(yaml, path);
  const complete = found.depth === path.length;
  const preferKey = at === 'key' || !complete;
  const first = preferKey ? startOf(yaml, found.key) : startOf(yaml, found.node);
  return first ?? startOf(yaml, found.node) ?? startOf(yaml, found.key) ?? documentStart(yaml);
}

export function pathExists(yaml: YamlDocument, path: YamlPath): boolean {
  return locate(yaml, path).depth === path.length;
}

/** Calls `visit` for every scalar value (not keys) in the document, with its path. */
export function forEachScalar(yaml: YamlDocument, visit: (node: Scalar, path: YamlPath) => void): void {
  const walk = (node: unknown, path: YamlPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node)) {
      visit(node, path);
    }
  };
  walk(yaml.doc.contents, []);
}
