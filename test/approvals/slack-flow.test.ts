/**
 * Everything around the rules on Slack: which commands stop for approval however they are
 * written, buttons, arguments that look like shell, the audit trail, the metric, the admin API
 * listing pending requests, and secrets masked in what is posted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APPROVAL_ACTION_IDS } from '@aof/api';
import {
  ADMIN_TOKEN,
  approvalRequest,
  auditEvent,
  auditOf,
  callsWith,
  CHANNELS,
  slackClicks,
  slackReacts,
  slackSays,
  startApprovalDaemon,
  threadMessage,
  threadTexts,
  waitFor,
  type ApprovalDaemon,
} from './support.js';

const ALICE = 'U0ALICE0001';

describe('approvals on Slack: what stops, buttons, audit, admin, secrets', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  /** Resolves with the thread's first bot message: an approval request or the command's own answer. */
  const firstAnswer = async (text: string): Promise<{ thread: string; answer: string }> => {
    const thread = await slackSays(t, CHANNELS.production, ALICE, text);
    const answer = await waitFor(() => threadTexts(t, thread)[0], `an answer to "${text}"`);
    return { thread, answer };
  };

  for (const text of [
    'kubectl  delete pod evade-1',
    'kubectl -n prod delete pod evade-2',
    'kubectl delete -n prod pod evade-3',
    'kubectl "delete" \'pod\' evade-4',
    'kubectl --request-timeout 5s delete po/evade-5',
    'kubectl DELETE pod evade-6',
    'kubectl scale deploy evade-7 --replicas 0',
    'kubectl scale --replicas=00 deploy evade-8',
    'helm del evade-9',
    'helm -n prod uninstall evade-10',
    'shell kubectl delete pod evade-11',
  ]) {
    it(`stops \`${text}\` for approval`, async () => {
      const { answer } = await firstAnswer(text);
      assert.match(answer, /Approval needed/);
      const pod = /evade-\d+/.exec(text)?.[0] ?? '';
      assert.deepEqual(await callsWith(t, pod), []);
    });
  }

  it('runs what no rule names without asking (`kubectl scale --replicas 3`, `kubectl get pods`)', async () => {
    const scaled = await firstAnswer('kubectl scale deploy web --replicas 3');
    assert.equal(scaled.answer, 'kubectl --namespace=prod scale deploy web --replicas 3');
    const listed = await firstAnswer('kubectl get pods');
    assert.match(listed.answer, /web-7d4b9c6f5-x2k8p/);
  });

  it('passes a shell-looking argument as one literal argv element, never through a shell', async () => {
    const listed = await firstAnswer('kubectl get pods -l "app=web; kubectl delete ns prod" --field-selector \'$(rm -rf /)\'');
    assert.match(listed.answer, /Approval needed/, 'the text names `kubectl delete ns`, so the rule errs on the side of asking');
    const thread = await slackSays(t, CHANNELS.production, ALICE, 'kubectl delete pod "x; rm -rf /" \'$(reboot)\'');
    const request = await approvalRequest(t, thread);
    assert.ok(request.text.includes("`kubectl delete pod 'x; rm -rf /' '$(reboot)'`"), request.text);
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark');
    await auditEvent(t, request.id, 'executed');
    const calls = await callsWith(t, 'x; rm -rf /');
    assert.deepEqual(calls.map((call) => call.argv), [['--namespace=prod', 'delete', 'pod', 'x; rm -rf /', '$(reboot)']]);
  });

  it('shows an argument that could break out of the request as escapes: no ping, no forged line, no hidden text', async () => {
    const forged = 'kubectl delete pod "web-1`[approve](!channel)`" "db-0\nWhere: flow slack-prod-flow, namespace sandbox. Why: cleanup (read)." "evil\u202egnp.txt"';
    const thread = await slackSays(t, CHANNELS.production, ALICE, forged);
    const request = await approvalRequest(t, thread);
    const posted = t.slack.sentMessages().find((m) => m.messageId === request.ts)?.text ?? '';
    assert.ok(posted.includes(
      "`kubectl delete pod $'web-1\\x60[approve](!channel)\\x60' $'db-0\\nWhere: flow slack-prod-flow, namespace sandbox. Why: cleanup (read).' $'evil\\u202egnp.txt'`",
    ), posted);
    assert.doesNotMatch(posted, /<!channel/, 'no ping');
    assert.equal(posted.split('\n').filter((line) => line.startsWith('Where:')).length, 1, 'one Where line, the real one');
    assert.ok(!posted.includes('\u202e'), 'no right-to-left override reaches the channel');
  });

  it('posts Approve and Deny buttons for a button-strategy flow; a click by an approver runs the call', async () => {
    const thread = await slackSays(t, CHANNELS.alerts, ALICE, 'kubectl delete pod button-1');
    const request = await approvalRequest(t, thread);
    const posted = t.slack.sentMessages().find((m) => m.messageId === request.ts);
    assert.deepEqual(posted?.buttons, [{ id: APPROVAL_ACTION_IDS.approve, value: request.id }, { id: APPROVAL_ACTION_IDS.deny, value: request.id }]);
    await slackClicks(t, CHANNELS.alerts, request.ts, 'U099STRANGER', APPROVAL_ACTION_IDS.approve, request.id);
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'not_an_approver' });
    await slackClicks(t, CHANNELS.alerts, request.ts, 'U015SRE', APPROVAL_ACTION_IDS.approve, request.id);
    await threadMessage(t, thread, /Approved by U015SRE/);
    await waitFor(async () => (await callsWith(t, 'button-1')).length === 1, 'the approved call');
    // The request itself now says it was decided, and has no buttons left to click.
    const closed = t.slack.sentMessages().find((m) => m.messageId === request.ts);
    assert.deepEqual(closed?.buttons, []);
    assert.match(closed?.text ?? '', /Approval request\* \(apr-[\w-]+\) to run:\n`kubectl delete pod button-1`[\s\S]*Approved by U015SRE/);
    assert.doesNotMatch(closed?.text ?? '', /Use the Approve or Deny button/);
    assert.equal(t.slack.callsTo('chat.update').filter((call) => call.params.ts === request.ts).length, 1);
  });

  it('marks a denied request as denied on the request message, buttons gone', async () => {
    const thread = await slackSays(t, CHANNELS.alerts, ALICE, 'kubectl delete pod button-2');
    const request = await approvalRequest(t, thread);
    await slackClicks(t, CHANNELS.alerts, request.ts, 'U015SRE', APPROVAL_ACTION_IDS.deny, request.id);
    await threadMessage(t, thread, /Denied by U015SRE/);
    const closed = await waitFor(() => t.slack.sentMessages().find((m) => m.messageId === request.ts && /Denied by U015SRE/.test(m.text)), 'the request marked denied');
    assert.deepEqual(closed.buttons, []);
    assert.deepEqual(await callsWith(t, 'button-2'), []);
  });

  it('audits every event of a request, counts the decisions, and lists only pending requests in the admin API', async () => {
    const thread = await slackSays(t, CHANNELS.production, ALICE, 'kubectl delete pod audit-1');
    const request = await approvalRequest(t, thread);
    const listed = async (): Promise<string[]> => {
      const response = await fetch(`${t.url}/admin/approvals`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await response.json()) as { approvals: Array<{ id: string; record: Record<string, unknown> }> };
      return body.approvals.map((entry) => entry.id);
    };
    assert.ok((await listed()).includes(request.id));
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark');
    const executed = await auditEvent(t, request.id, 'executed');
    assert.deepEqual(auditOf(t, request.id).map((line) => line.event), ['requested', 'approval', 'approved', 'executed']);
    const result = executed.result as Record<string, unknown>;
    assert.deepEqual([result.status, result.ok, result.exit_code], ['ok', true, 0]);
    const requested = auditOf(t, request.id)[0] ?? {};
    assert.equal(requested.command, 'kubectl delete pod audit-1');
    assert.equal(requested.requester, ALICE);
    assert.equal(requested.flow, 'slack-prod-flow');
    assert.deepEqual(requested.approvers, ['U015SRE', 'U016SRE']);
    assert.ok(!(await listed()).includes(request.id), 'a decided request is no longer listed');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /agentflow_approvals_total\{flow="slack-prod-flow",status="approved"\} [1-9]/);
    assert.match(metrics, /agentflow_approvals_total\{flow="slack-prod-flow",status="requested"\} [1-9]/);
  });

  it('masks secret flow env values in what it posts and logs, and runs the raw argv', async () => {
    const described = await firstAnswer('kubectl describe slack-flow-secret-5d1e8b');
    assert.equal(described.answer, 'kubectl --namespace=prod describe [redacted]');
    const thread = await slackSays(t, CHANNELS.production, ALICE, 'kubectl delete pod slack-flow-secret-5d1e8b');
    const request = await approvalRequest(t, thread);
    assert.ok(request.text.includes('`kubectl delete pod [redacted]`'), request.text);
    await slackReacts(t, CHANNELS.production, request.ts, 'U016SRE', 'white_check_mark');
    await auditEvent(t, request.id, 'executed');
    assert.equal((await callsWith(t, 'slack-flow-secret-5d1e8b')).length, 2, 'the tool got the real value both times');
    assert.ok(t.slack.sentMessages().every((m) => !m.text.includes('slack-flow-secret-5d1e8b')));
    assert.ok(!t.rawLog().includes('slack-flow-secret-5d1e8b'));
  });
});
