import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface BenchDeployment {
  dir: string;
  configPath: string;
  flowsDir: string;
  /** Channel `ch-<i>` belongs to flow `flow-<i>`; this rewrites flow i with a new revision label. */
  touchFlow(i: number, revision: number): Promise<void>;
}

function flowYaml(i: number, revision: number): string {
  return [
    'apiVersion: aof.dev/v1',
    'kind: AgentFlow',
    'metadata:',
    `  name: flow-${i}`,
    `  labels: { team: team-${i % 50}, revision: "r${revision}" }`,
    'spec:',
    '  trigger:',
    '    type: Local',
    `    config: { channels: [ch-${i}], patterns: ["(?i)^(echo|status)\\\\b"] }`,
    `  context: { organization: org-${i % 20}, namespace: ns-${i % 100}, env: { TEAM: team-${i % 50} } }`,
    '  agents: [{ name: bench }]',
    '',
  ].join('\n');
}

/** `flows` files of one flow each (as operators split them), one command-model agent, the local platform. */
export async function generateDeployment(flows: number): Promise<BenchDeployment> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aof-bench-reload-'));
  const flowsDir = path.join(dir, 'flows');
  await mkdir(path.join(dir, 'agents'));
  await mkdir(flowsDir);
  await writeFile(path.join(dir, 'daemon-config.yaml'), [
    'apiVersion: aof.dev/v1', 'kind: DaemonConfig', 'metadata: { name: bench-reload }', 'spec:',
    '  server: { port: 0, host: 127.0.0.1 }',
    '  routing: { strict_mode: true }',
    '  runtime: { max_concurrent_tasks: 64, max_tasks_per_user: 64, queue_size: 1000 }',
    '',
  ].join('\n'));
  await writeFile(path.join(dir, 'agents', 'bench.yaml'), [
    'apiVersion: aof.dev/v1', 'kind: Agent', 'metadata: { name: bench }', 'spec:', '  model: command', '  tools: [echo]', '',
  ].join('\n'));
  const write = (i: number, revision: number): Promise<void> => writeFile(path.join(flowsDir, `flow-${String(i).padStart(4, '0')}.yaml`), flowYaml(i, revision));
  for (let i = 0; i < flows; i++) await write(i, 0);
  return { dir, configPath: path.join(dir, 'daemon-config.yaml'), flowsDir, touchFlow: write };
}
