import { AofError, ErrorCode } from '@aof/api';

export interface DependencyNode {
  name: string;
  dependsOn: readonly string[];
}

/**
 * Orders nodes so each comes after everything it depends on, otherwise keeping config order, so
 * that boot is deterministic and reads like the config. Names not among the nodes are ignored
 * (validation has already reported them). Every cycle found becomes a coded error.
 */
export function dependencyOrder<T extends DependencyNode>(nodes: readonly T[]): { order: T[]; errors: AofError[] } {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const order: T[] = [];
  const errors: AofError[] = [];

  const visit = (node: T): void => {
    const seen = state.get(node.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(node.name)), node.name];
      errors.push(new AofError(ErrorCode.PLUGIN_DEPENDENCY, `plugin "${node.name}" is in a dependency cycle: ${cycle.join(' -> ')}`, {
        plugin: node.name,
        details: { cycle },
      }));
      return;
    }
    state.set(node.name, 'visiting');
    path.push(node.name);
    for (const name of node.dependsOn) {
      const dependency = byName.get(name);
      if (dependency !== undefined) visit(dependency);
    }
    path.pop();
    state.set(node.name, 'done');
    order.push(node);
  };

  for (const node of nodes) visit(node);
  return { order, errors };
}
