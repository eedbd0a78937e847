/**
 * Cluster mode: two daemons (nodes behind one load balancer) with `server.cluster_mode: true`
 * and one real redis-server. Whatever one node records, the other acts on: a Slack retry that
 * reaches the other node is dropped there, an approval asked on one node is granted on the other
 * (by a reaction, and by a 2-of-2 chain split between the nodes) and runs once, a user's rate
 * limit counts the requests of both nodes, a request whose node stopped still expires, and with
 * Redis stopped a node keeps answering and refuses, in the thread, what needs the store.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { approvalRequest, callsWith, CHANNELS, copyFixture, localRecord, localRequest, localResult, localSays, slackReacts, startApprovalDaemon, threadMessage, waitFor, type ApprovalDaemon } from '../approvals/support.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { eventEnvelope, messageEvent, signedRequest } from '../platforms/slack/slack-requests.js';

async function deliver(node: ApprovalDaemon, request: ReturnType<typeof signedRequest>): Promise<void> {
  const response = await fetch(`${node.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  assert.equal(response.status, 200);
}

describe('cluster mode: two nodes sharing one Redis', () => {
  let redis: TestRedis;
  let scratch: string;
  let dir: string;
  let a: ApprovalDaemon;
  let b: ApprovalDaemon;
  let aRunning = false;

  before(async () => {
    redis = await startTestRedis();
    scratch = await mkdtemp(path.join(tmpdir(), 'aof-cluster-'));
    dir = await copyFixture({
      server: { cluster_mode: true, redis_url: '${REDIS_URL}', node_id: '${NODE_ID}' },
      logging: { level: 'debug' },
      limits: { per_user: { max_requests_per_minute: 4 } },
    });
    // One kubectl log for both nodes: "ran once" means once in the whole cluster.
    const env = { REDIS_URL: redis.url, FAKE_KUBECTL_LOG: path.join(scratch, 'kubectl.jsonl') };
    a = await startApprovalDaemon({ dir, keep: true, env: { ...env, NODE_ID: 'node-a' } });
    aRunning = true;
    b = await startApprovalDaemon({ dir, keep: true, env: { ...env, NODE_ID: 'node-b' } });
  });

  after(async () => {
    if (aRunning) await a.stop();
    await b?.stop();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it('names each node in its log lines', () => {
    assert.ok(a.logs.length > 0 && a.logs.every((line) => line.node === 'node-a'), 'node-a');
    assert.ok(b.logs.length > 0 && b.logs.every((line) => line.node === 'node-b'), 'node-b');
  });

  it('drops on one node the Slack retry of an event the other node handled', async () => {
    const event = messageEvent({ channel: CHANNELS.production, user: 'U0ALICE0001', text: 'kubectl get pods cluster-dedupe' });
    const body = eventEnvelope(event);
    const first = signedRequest(body);
    assert.equal((await fetch(`${a.url}${first.path}`, { method: 'POST', headers: first.headers, body: first.body })).status, 200);
    await threadMessage(a, String(event.ts), /Running/);

    const retry = signedRequest(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    assert.equal((await fetch(`${b.url}${retry.path}`, { method: 'POST', headers: retry.headers, body: retry.body })).status, 200);
    await waitFor(() => b.logs.find((line) => line.msg === 'Slack redelivery dropped'), 'node-b dropping the retry');
    assert.deepEqual(b.slack.sentMessages().filter((message) => message.thread === event.ts), [], 'node-b answered nothing');
    assert.equal((await callsWith(a, 'cluster-dedupe')).length, 1, 'kubectl ran once');
  });

  it('runs on one node what a reaction on the other node approved, once', async () => {
    const event = messageEvent({ channel: CHANNELS.production, user: 'U0ALICE0001', text: 'kubectl delete pod cluster-reaction' });
    const request = signedRequest(eventEnvelope(event));
    assert.equal((await fetch(`${a.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body })).status, 200);
    const asked = await approvalRequest(a, String(event.ts));

    await slackReacts(b, CHANNELS.production, asked.ts, 'U015SRE', 'white_check_mark');
    await threadMessage(b, String(event.ts), /kubectl --namespace=prod delete pod cluster-reaction/);
    const calls = await callsWith(b, 'cluster-reaction');
    assert.deepEqual(calls.map((call) => call.argv), [['--namespace=prod', 'delete', 'pod', 'cluster-reaction']]);
  });

  it('completes a 2-of-2 chain whose votes arrive at different nodes', async () => {
    const asked = await localRequest(a, 'ops', 'alice', 'kubectl delete namespace cluster-pair');
    const firstVote = await localSays(a, 'ops', 'bob', `/approve ${asked.id}`);
    assert.match(firstVote.reply ?? '', /1 of 2|1\/2/);
    const secondVote = await localSays(b, 'ops', 'carol', `/approve ${asked.id}`);
    assert.equal(secondVote.status, 'approved');
    // The asking message's record lives in the shared store too: node-a reports the result node-b produced.
    const result = await localResult(a, asked.reply.id);
    assert.equal(result.status, 'ok');
    assert.equal(result.reply, 'kubectl --namespace=prod delete namespace cluster-pair');
    assert.equal((await localRecord(b, asked.reply.id)).status, 'ok');
    assert.equal((await callsWith(a, 'cluster-pair')).length, 1, 'ran once in the cluster');
  });

  it("counts a user's requests on both nodes against one limit", async () => {
    const statuses: string[] = [];
    for (const node of [a, b, a, b, a]) {
      statuses.push((await localSays(node, 'ops', 'dave', 'kubectl get pods cluster-limit')).status);
    }
    assert.deepEqual(statuses, ['ok', 'ok', 'ok', 'ok', 'rate_limited']);
  });

  // Last: it stops node-a.
  it('expires on one node a request the other node asked and took its clock with it when it stopped', async () => {
    const asked = await localRequest(a, 'fast', 'alice', 'kubectl delete pod cluster-expiry');
    aRunning = false;
    await a.stop();
    const record = await localResult(b, asked.reply.id, 10_000);
    assert.equal(record.status, 'expired');
    const late = await localSays(b, 'fast', 'bob', `/approve ${asked.id}`);
    assert.equal(late.reply, `Request ${asked.id} is already expired; nothing changed.`);
    assert.deepEqual(await callsWith(b, 'cluster-expiry'), []);
  });

  it('keeps answering while Redis is down, refuses what needs the store, and says so in its log', async () => {
    const pending = await localRequest(b, 'ops', 'alice', 'kubectl delete pod cluster-outage-vote');
    await redis.pause();
    try {
      const reply = await localSays(b, 'ops', 'erin', 'kubectl get pods cluster-outage');
      assert.equal(reply.status, 'ok', JSON.stringify(reply));
      const plain = messageEvent({ channel: CHANNELS.production, user: 'U0ALICE0001', text: 'kubectl get pods cluster-outage' });
      await deliver(b, signedRequest(eventEnvelope(plain)));
      await threadMessage(b, String(plain.ts), /Running/);

      const vote = await localSays(b, 'ops', 'bob', `/approve ${pending.id}`);
      assert.equal(vote.reply, `Request ${pending.id} could not be read (the state store did not answer), so nothing was recorded. Send it again in a moment.`);
      const dangerous = messageEvent({ channel: CHANNELS.production, user: 'U0ALICE0001', text: 'kubectl delete pod cluster-outage-ask' });
      await deliver(b, signedRequest(eventEnvelope(dangerous)));
      await threadMessage(b, String(dangerous.ts), /^`kubectl delete pod cluster-outage-ask` needs an approval, but the request could not be recorded, so it was not run\. Please try again\.$/);
      assert.deepEqual(await callsWith(b, 'cluster-outage-vote'), [], 'the vote did not count');
      assert.deepEqual(await callsWith(b, 'cluster-outage-ask'), [], 'the unrecorded request did not run');
      assert.equal((await callsWith(b, 'cluster-outage')).length, 2, 'the two plain requests ran');
    } finally {
      await redis.restart();
    }
    assert.equal(b.logs.filter((line) => line.msg === 'Redis store unreachable; retrying').length, 1);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(metrics, /^agentflow_store_outages_total\{store="redis"\} 1$/m);
    const failures = Number(/^agentflow_store_call_failures_total\{store="redis"\} (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(failures >= 5, `store calls that failed during the outage: ${failures}`);
    await waitFor(() => b.logs.find((line) => line.msg === 'Redis store reachable again'), 'the end of the outage in the log');
  });
});
