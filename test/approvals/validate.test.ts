/** `aofctl validate` warns about approval chains nobody could ever satisfy. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { aofctl } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/paths.js';

const file = path.join(fixturesDir, 'approvals', 'validate', 'flows.yaml');

describe('aofctl validate: approvers who are the only requesters', () => {
  it('warns when no request could ever be approved without self-approval, and only then', async () => {
    const run = await aofctl(['validate', file]);
    assert.equal(run.code, 0, 'a warning, not an error');
    const warnings = run.stdout.split('\n').filter((line) => line.includes('warning') && line.includes('approval chain'));
    assert.equal(warnings.length, 2, run.stdout);
    assert.match(warnings[0] ?? '', /flows\.yaml:\d+:\d+: warning .*spec\.approval\.allowed_users.*approval chain allowed_users: its approvers are also the flow's only requesters.*self_approval is not set.*1 approval/);
    assert.match(warnings[1] ?? '', /spec\.approval\.chains\[0\].*approval chain pair: .*2 approval/);
    assert.doesNotMatch(run.stdout, /self-flow|admins-flow|chain either/);
  });

  it('leaves the example deployment (admin flow with self_approval: true) without such a warning', async () => {
    const run = await aofctl(['validate', '--config', 'daemon-config.yaml']);
    assert.equal(run.code, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /approval chain/);
  });
});
