/**
 * The seed document's approval examples behave as their comments say: the production flow's
 * allowed_users and require_for, the staging flow's REQUIRE_APPROVAL "false", the "Approval
 * Chains" snippet (namespace deletes need both leads, other deletes one SRE), and the admin flow's
 * "self-approval for admins".
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { LoadedFlow, ToolCall } from '@aof/api';
import { chainFor } from '../../core/approvals/approvers.js';
import { approvalTimeoutMs, taskApprovalPolicy } from '../../core/approvals/task-policy.js';
import { eligibility, tally } from '../../core/approvals/tally.js';
import type { ApprovalRecord, Identity } from '../../core/approvals/types.js';
import { loadConfig, loadResourceFiles } from '../../core/config/load-config.js';
import { approvalNeed, loadPatternEngine } from '../../sandbox/approval-policy.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

// The sandbox loads the RE2 engine on first need (tool-runner); these call approvalNeed directly.
await loadPatternEngine();

const seed = path.join(fixturesDir, 'seed');
const SEED_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-seed', SLACK_SIGNING_SECRET: 'seed-signing', TELEGRAM_BOT_TOKEN: '123:seed', DISCORD_BOT_TOKEN: 'seed-discord',
  KUBECONFIG_PROD: '/etc/kube/prod', KUBECONFIG_STAGING: '/etc/kube/staging', SLACK_BOT_TOKEN_ORG_A: 'xoxb-org-a',
  SLACK_SIGNING_SECRET_ORG_A: 'org-a-signing', KUBECONFIG_ORG_A: '/etc/kube/org-a',
};

const kubectl = (...args: string[]): ToolCall => ({ id: 'c', name: 'kubectl', arguments: { args } });
const helm = (...args: string[]): ToolCall => ({ id: 'c', name: 'helm', arguments: { args } });
const slackUser = (user: string): Identity => ({ platform: 'slack', workspace: 'T1', user });

/** The request a suspended call would become in `flow`, asked by `requester`. */
function requestIn(flow: LoadedFlow, call: ToolCall, requester: string): ApprovalRecord {
  const need = approvalNeed(call, taskApprovalPolicy(flow));
  assert.ok(need.needed, 'the call needs approval');
  const chain = chainFor(flow.flow.spec.approval, need.chain);
  assert.ok(chain !== undefined);
  return {
    id: 'apr-test', status: 'pending', flow: flow.flow.metadata.name, agent: 'k8s-ops', requestId: 'r', requester: slackUser(requester),
    channel: { id: 'C1' }, messageId: 'm', command: 'cmd', classification: need.classification, reason: need.reason, chain,
    selfApproval: flow.flow.spec.approval?.self_approval === true, strategy: 'reaction', mode: 'reaction', createdAt: 0, expiresAt: 1,
  };
}

const vote = (user: string, kind: 'approve' | 'deny' = 'approve') => ({ voter: slackUser(user), vote: kind, at: 0 });

describe('the seed\'s approval examples', () => {
  let flows: Map<string, LoadedFlow>;
  before(async () => {
    const config = await loadConfig(path.join(seed, 'daemon-config.yaml'), { env: SEED_ENV });
    const snippets = await loadResourceFiles([path.join(seed, 'snippets', 'approval-chains.yaml'), path.join(seed, 'agents')], { env: SEED_ENV });
    const repoAdmin = await loadResourceFiles([path.join(repoRoot, 'flows', 'enterprise', 'admin-flow.yaml'), path.join(seed, 'agents')], { env: SEED_ENV });
    flows = new Map([...config.flows, ...snippets.flows].map((flow) => [flow.flow.metadata.name, flow]));
    const admin = repoAdmin.flows[0];
    assert.ok(admin !== undefined);
    flows.set('repo-admin-only-flow', admin);
  });
  const flow = (name: string): LoadedFlow => {
    const found = flows.get(name);
    assert.ok(found !== undefined, `flow ${name} is loaded`);
    return found;
  };

  it('prod flow: only the require_for commands need approval, from either allowed user, within APPROVAL_TIMEOUT', () => {
    const prod = flow('prod-k8s-flow');
    const policy = taskApprovalPolicy(prod);
    for (const call of [kubectl('delete', 'pod', 'web-1'), kubectl('scale', 'deploy', 'web', '--replicas=0'), helm('uninstall', 'web')]) {
      assert.equal(approvalNeed(call, policy).needed, true, JSON.stringify(call.arguments));
    }
    for (const call of [kubectl('get', 'pods'), kubectl('scale', 'deploy', 'web', '--replicas=3'), kubectl('apply', '-f', 'web.yaml'), helm('list')]) {
      assert.equal(approvalNeed(call, policy).needed, false, JSON.stringify(call.arguments));
    }
    assert.deepEqual(chainFor(prod.flow.spec.approval, undefined), { name: 'allowed_users', approvers: ['U015VBH1GTZ', 'U012ADMIN'], require: 1 });
    assert.equal(approvalTimeoutMs(prod), 300_000);
    const request = requestIn(prod, kubectl('delete', 'pod', 'web-1'), 'U0ALICE');
    assert.equal(tally(request, [vote('U012ADMIN')]).state, 'approved');
    assert.deepEqual(eligibility(request, slackUser('U0BOB'), 'approve'), { ok: false, reason: 'not_an_approver' });
  });

  it('staging flow: REQUIRE_APPROVAL "false" means nothing waits', () => {
    assert.equal(taskApprovalPolicy(flow('staging-dev-flow')), undefined);
  });

  it('approval chains: namespace deletes need both U015LEAD and U016MANAGER, other deletes one SRE', () => {
    const chains = flow('approval-chains-flow');
    const critical = requestIn(chains, kubectl('delete', 'namespace', 'team-a'), 'U0ALICE');
    assert.deepEqual(critical.chain, { name: 'critical', approvers: ['U015LEAD', 'U016MANAGER'], require: 2 });
    assert.equal(tally(critical, [vote('U015LEAD')]).state, 'pending');
    assert.equal(tally(critical, [vote('U015LEAD'), vote('U015LEAD')]).state, 'pending');
    assert.equal(tally(critical, [vote('U015LEAD'), vote('U016MANAGER')]).state, 'approved');
    assert.equal(tally(critical, [vote('U015LEAD'), vote('U016MANAGER', 'deny')]).state, 'denied');
    assert.equal(tally(critical, [vote('U015SRE'), vote('U016SRE')]).state, 'pending', 'SREs are not on the critical chain');
    const standard = requestIn(chains, kubectl('delete', 'pod', 'web-1'), 'U0ALICE');
    assert.deepEqual(standard.chain, { name: 'standard', approvers: ['U015SRE', 'U016SRE'], require: 1 });
    assert.equal(tally(standard, [vote('U016SRE')]).state, 'approved');
    assert.equal(approvalNeed(kubectl('get', 'pods'), taskApprovalPolicy(chains)).needed, false);
  });

  it('admin flow: U015ADMIN approves the other admins; approving their own request takes self_approval: true', () => {
    const seedAdmin = flow('admin-only-flow');
    const policy = taskApprovalPolicy(seedAdmin);
    assert.deepEqual(policy, { requireFor: [], rules: [], classify: true }, 'approvers without a list: the classifier decides');
    assert.equal(approvalNeed(kubectl('get', 'pods'), policy).needed, false);
    const fromOther = requestIn(seedAdmin, kubectl('delete', 'pod', 'x'), 'U016ADMIN');
    assert.equal(tally(fromOther, [vote('U015ADMIN')]).state, 'approved');
    const own = requestIn(seedAdmin, kubectl('delete', 'pod', 'x'), 'U015ADMIN');
    assert.deepEqual(eligibility(own, slackUser('U015ADMIN'), 'approve'), { ok: false, reason: 'self_approval' });
    const ownInRepo = requestIn(flow('repo-admin-only-flow'), kubectl('delete', 'pod', 'x'), 'U015ADMIN');
    assert.equal(tally(ownInRepo, [vote('U015ADMIN')]).state, 'approved');
  });
});
