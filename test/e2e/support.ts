/**
 * The e2e kit: the real daemon (startTestDaemon) on a fixture deployment of test/fixtures/e2e,
 * webhook deliveries timed from the client's side, and readers for what the fake kubectl and the
 * daemon's request log recorded. Every wait polls for an effect; nothing sleeps a fixed time.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor, type WebhookRequest } from '@aof/testkit';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fixturesDir } from '../helpers/paths.js';

/** What every e2e message asks for, and what the fake kubectl must receive, word for word. */
export const COMMAND = 'kubectl get pods -n staging';
export const COMMAND_ARGV: readonly string[] = ['get', 'pods', '-n', 'staging'];
/** The fake kubectl's pod table for namespace staging (test/fakes/bin/kubectl). */
export const POD_TABLE = /web-7d4b9c6f5-x2k8p\s+1\/1\s+Running[\s\S]*# staging/;
/**
 * Slack allows 3 s for an ack. An ack that waited for the agent never arrives (the gate holds
 * kubectl until it does); this bounds the ack's own work, with room for a shared, loaded machine.
 */
export const ACK_BUDGET_MS = 1_000;
/** A sandbox worker, a kubectl process and a reply: seconds on a loaded machine, never 20. */
const EFFECT_TIMEOUT_MS = 20_000;

export function kubeconfigOf(platform: string, channel: 'production' | 'staging'): string {
  return `/etc/aof/e2e/${platform}-${channel}.kubeconfig`;
}

/**
 * Holds the flows' kubectl (test/fixtures/e2e/bin/kubectl waits while the gate file is missing).
 * Open unless a delivery closed it.
 */
export interface Gate {
  open(): Promise<void>;
  close(): Promise<void>;
}

export interface E2eDaemon extends TestDaemon {
  gate: Gate;
}

/** The daemon on test/fixtures/e2e/<platform>/daemon-config.yaml; `env` carries the fake's URL and the secrets. */
export async function startE2eDaemon(platform: string, env: Record<string, string>): Promise<E2eDaemon> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'aof-e2e-'));
  const gateFile = path.join(scratch, 'gate');
  const gate: Gate = { open: () => writeFile(gateFile, ''), close: () => rm(gateFile, { force: true }) };
  await gate.open();
  const t = await startTestDaemon({
    configPath: path.join(fixturesDir, 'e2e', platform, 'daemon-config.yaml'),
    env: { E2E_GATE: gateFile, E2E_BIN: path.join(fixturesDir, 'e2e', 'bin'), ...env },
  }).catch(async (error: unknown) => {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  });
  return {
    ...t,
    gate,
    async stop() {
      await t.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface KubectlCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
}

/** Every call the fake kubectl recorded so far ($FAKE_KUBECTL_LOG, one JSON line per call). */
export function kubectlCalls(t: TestDaemon): KubectlCall[] {
  if (!existsSync(t.kubectlLog)) return [];
  return readFileSync(t.kubectlLog, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as KubectlCall);
}

export function requestLines(t: TestDaemon): Array<Record<string, unknown>> {
  return t.logs.filter((line) => line.msg === 'request');
}

/** How much had happened, to compare against later: kubectl calls, replies posted, request lines. */
export interface Progress {
  kubectl: number;
  replies: number;
  requests: number;
}

export function progress(t: TestDaemon, replies: () => number): Progress {
  return { kubectl: kubectlCalls(t).length, replies: replies(), requests: requestLines(t).length };
}

export interface Ack {
  status: number;
  body: string;
  ms: number;
  /** Taken the moment the response arrived: what the agent had done by then. */
  atAck: Progress;
}

/**
 * POSTs a webhook as the platform would, with kubectl held at the gate until the response is in:
 * an ack that waited for the agent would never come. Notes the time to the response and what had
 * run by then.
 */
export async function deliverTimed(t: E2eDaemon, request: WebhookRequest, replies: () => number): Promise<Ack> {
  await t.gate.close();
  try {
    const started = performance.now();
    const response = await fetch(`${t.url}${request.path}`, {
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(EFFECT_TIMEOUT_MS),
    });
    const ms = performance.now() - started;
    const atAck = progress(t, replies);
    return { status: response.status, body: await response.text(), ms, atAck };
  } finally {
    await t.gate.open();
  }
}

/** The ack came fast and before the agent ran: no kubectl call, no reply, no request line yet. */
export function assertFastAck(ack: Ack, before: Progress): void {
  assert.ok(ack.status >= 200 && ack.status < 300, `webhook answered ${ack.status}: ${ack.body}`);
  assert.ok(ack.ms < ACK_BUDGET_MS, `the ack took ${ack.ms.toFixed(1)} ms`);
  assert.deepEqual(ack.atAck, before, 'nothing of the agent\'s work had happened when the ack arrived');
}

/** Waits for the next kubectl call after `before` and checks it is exactly the command, with the flow's KUBECONFIG. */
export async function assertKubectlRan(t: TestDaemon, before: Progress, kubeconfig: string): Promise<void> {
  const call = await waitFor('the fake kubectl to run', () => kubectlCalls(t)[before.kubectl], EFFECT_TIMEOUT_MS);
  assert.equal(call.tool, 'kubectl');
  assert.deepEqual(call.argv, COMMAND_ARGV);
  assert.equal(call.env.KUBECONFIG, kubeconfig);
}

export async function waitForReply<T extends { text: string }>(sent: () => readonly T[], where: (record: T) => boolean): Promise<T> {
  return waitFor('the reply on the fake platform API', () => sent().find((record) => where(record) && POD_TABLE.test(record.text)), EFFECT_TIMEOUT_MS);
}

/** The one request line of the message: the right flow, agent, platform, channel name, command and status. */
export async function assertRequestLine(t: TestDaemon, before: Progress, expected: { flow: string; platform: string; channel: string }): Promise<void> {
  const line = await waitFor('the request log line', () => requestLines(t)[before.requests], EFFECT_TIMEOUT_MS);
  assert.deepEqual(
    { flow: line.flow, agent: line.agent, platform: line.platform, channel: line.channel, action: line.action, status: line.status },
    { ...expected, agent: 'k8s-ops', action: COMMAND, status: 'ok' },
  );
  assert.equal(requestLines(t).length, before.requests + 1, 'exactly one request line');
}

/**
 * After a refused request, the next valid message is a barrier: once it has been answered, the
 * refused one had every chance to run. One kubectl call since `before`, the barrier's, means the
 * refused request ran nothing.
 */
export function assertOnlyBarrierRan(t: TestDaemon, before: Progress, barrierKubeconfig: string): void {
  const calls = kubectlCalls(t).slice(before.kubectl);
  assert.deepEqual(calls.map((call) => call.env.KUBECONFIG), [barrierKubeconfig], 'only the barrier message ran kubectl');
}
