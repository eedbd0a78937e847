import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { it } from 'node:test';
import { aofctl } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

it('aofctl --help names every flag the README\'s CLI reference documents, command by command', async () => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## CLI reference'), readme.indexOf('\n## ', readme.indexOf('## CLI reference') + 1));
  const rows = section.split('\n').filter((line) => line.startsWith('| `aofctl '));
  assert.ok(rows.length >= 5, 'the table lists the commands');
  const help = await aofctl(['--help']);
  assert.equal(help.code, 0);
  const usage = new Map(help.stdout.split('\n').filter((line) => line.startsWith('  aofctl ')).map((line) => [line.split(/\s+/)[2], line]));
  for (const row of rows) {
    // Cells are split on unescaped pipes: a synopsis writes alternatives as \|.
    const synopsis = row.split(/(?<!\\)\|/)[1] ?? '';
    const command = synopsis.match(/`aofctl (\w+)/)?.[1] ?? '';
    const line = usage.get(command);
    assert.ok(line !== undefined, `usage has no line for ${command}`);
    for (const flag of new Set(synopsis.match(/--[a-z][a-z-]*/g) ?? [])) assert.ok(line.includes(flag), `usage of ${command} lacks ${flag}`);
  }
});
