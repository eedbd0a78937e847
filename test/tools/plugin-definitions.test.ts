import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { isPlugin, type ModelInstance, type ToolInstance } from '@aof/api';
import { repoRoot } from '../helpers/paths.js';

const toolPlugins = { kubectl: ['kubectl'], helm: ['helm'], shell: [], http: [], echo: [] } as const;
const modelPlugins = { command: ['command'], openai: ['openai', 'ollama'], anthropic: ['anthropic'] } as const;

async function load(name: string): Promise<{ kind: string; instance: unknown }> {
  const specifier = `@aof/plugin-${name}`;
  const plugin = ((await import(specifier)) as { default?: unknown }).default;
  assert.ok(isPlugin(plugin), `${specifier} default-exports a plugin`);
  assert.equal(plugin.name, name);
  return { kind: plugin.kind, instance: await plugin.init({ name, config: {}, deps: {} }) };
}

for (const [name, binaries] of Object.entries(toolPlugins)) {
  test(`tool plugin ${name}: descriptor points at a worker ToolImpl with the same name and description`, async () => {
    const { kind, instance } = await load(name);
    assert.equal(kind, 'tool');
    const [tool] = (instance as ToolInstance).tools;
    assert.equal(tool?.name, name);
    assert.deepEqual(tool?.binaries ?? [], binaries);
    const impl = ((await import(tool?.module ?? '')) as { default: { spec: { name: string; description: string } } }).default;
    assert.equal(impl.spec.name, name);
    assert.equal(impl.spec.description, tool?.description);
  });
}

for (const [name, providers] of Object.entries(modelPlugins)) {
  test(`model plugin ${name}: serves ${providers.join(', ')} from a worker ModelProvider`, async () => {
    const { kind, instance } = await load(name);
    assert.equal(kind, 'model');
    assert.deepEqual((instance as ModelInstance).providers, providers);
    const provider = ((await import((instance as ModelInstance).module)) as { default: { complete?: unknown } }).default;
    assert.equal(typeof provider.complete, 'function');
  });
}

test('sandbox plugins import only @aof/api and their own files', async () => {
  for (const name of [...Object.keys(toolPlugins), ...Object.keys(modelPlugins)]) {
    const dir = path.join(repoRoot, 'plugins', name, 'src');
    for (const file of await readdir(dir)) {
      const source = await readFile(path.join(dir, file), 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        assert.ok(specifier === '@aof/api' || specifier?.startsWith('./'), `${name}/src/${file} imports ${specifier}`);
      }
    }
  }
});
