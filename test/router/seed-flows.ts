import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentFlow, LoadedFlow } from '@aof/api';
import { parseAllDocuments } from 'yaml';
import { sharedDir } from '../helpers/paths.js';

const seedFile = path.join(sharedDir, 'seed', 'multi-tenant-flows.md');

/**
 * The AgentFlow examples of the seed document, as the loader would order them: by the file
 * each example names in its first comment (`# flows/prod-cluster/k8s-flow.yaml`), documents in
 * file order. Taken from the document itself so the tests follow it as written.
 */
export function seedFlows(): LoadedFlow[] {
  const markdown = readFileSync(seedFile, 'utf8');
  const files: Array<{ file: string; flows: AgentFlow[] }> = [];
  for (const [, block] of markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const file = /^# (flows\/\S+\.yaml)/.exec(block ?? '')?.[1];
    if (file === undefined) continue;
    const flows = parseAllDocuments(block ?? '')
      .map((document) => document.toJS() as AgentFlow | null)
      .filter((document): document is AgentFlow => document?.kind === 'AgentFlow');
    files.push({ file, flows });
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return files.flatMap(({ file, flows }) => flows.map((flow) => ({ file, flow }))).map(({ file, flow }, index) => ({
    flow,
    index,
    source: { file, line: 1, column: 1 },
    active: true,
  }));
}
