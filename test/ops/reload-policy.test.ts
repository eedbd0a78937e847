import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigProblem } from '../../core/config/load-config.js';
import { newProblems } from '../../core/reload/reload-policy.js';

function syntaxError(line: number): ConfigProblem {
  return { severity: 'error', code: 'AOF_ERR_CONFIG_PARSE', message: 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]', file: '/flows/pair.yaml', line, column: 3 };
}

function missingVariable(document: number): ConfigProblem {
  return { severity: 'error', code: 'AOF_ERR_CONFIG_ENV_MISSING', message: 'environment variable NOPE is not set', file: '/flows/pair.yaml', path: 'spec.context.namespace', document };
}

describe('which errors of a reload are new', () => {
  it('counts them: an error found twice where the configuration in force had it once is new once', () => {
    assert.deepEqual(newProblems([syntaxError(5)], [syntaxError(5), syntaxError(14)], 'error'), [syntaxError(14)]);
    assert.deepEqual(newProblems([syntaxError(5), syntaxError(14)], [syntaxError(7), syntaxError(16)], 'error'), [], 'lines may move');
  });

  it('tells the documents of a file apart', () => {
    assert.deepEqual(newProblems([missingVariable(0)], [missingVariable(1)], 'error'), [missingVariable(1)]);
    assert.deepEqual(newProblems([missingVariable(0), missingVariable(1)], [missingVariable(1), missingVariable(0)], 'error'), []);
  });
});
