/**
 * The approval tests' kit: the fixture deployment in a temp dir, a real daemon (kernel, pipeline,
 * sandbox) with the fake Slack API and the local platform, and helpers that act as Slack (signed
 * events) or as a local user, and read what reached the fake kubectl.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { postLocal, startTestDaemon, type LocalReply, type TestDaemon } from '../helpers/daemon.js';
import { fixturesDir } from '../helpers/paths.js';
import { BOT_TOKEN, BOT_USER_ID, eventEnvelope, messageEvent, nextTs, SIGNING_SECRET, signedRequest, TEAM_ID } from '../platforms/slack/slack-requests.js';

export const FIXTURE = path.join(fixturesDir, 'approvals', 'deployment');
export const ADMIN_TOKEN = 'approvals-admin-token-4e7b21';
export { TEAM_ID };

/** Slack channels of the fixture's flows. */
export const CHANNELS = { production: 'C0PROD00001', oncall: 'C0FAST00001', alerts: 'C0ALRT00001', random: 'C0RAND00001' } as const;

type Json = Record<string, unknown>;

export interface ApprovalDaemon extends TestDaemon {
  slack: FakeSlackApi;
  dir: string;
}

export interface StartOptions {
  /** Deep-merged over the daemon config's `spec`. */
  patch?: Json;
  /** Reuse a deployment dir (a restart); else a fresh copy of the fixture. */
  dir?: string;
  env?: Record<string, string>;
  /** Keep the deployment dir on stop (for a restart). */
  keep?: boolean;
  /** More bots the fake Slack API knows (another tenant's app), besides the app-wide one. */
  slackBots?: Record<string, { userId: string; teamId: string }>;
}

export async function startApprovalDaemon(options: StartOptions = {}): Promise<ApprovalDaemon> {
  const dir = options.dir ?? await copyFixture(options.patch ?? {});
  const slack = await startFakeSlackApi({
    channels: { [CHANNELS.production]: 'production', [CHANNELS.oncall]: 'sre-oncall', [CHANNELS.alerts]: 'prod-alerts', [CHANNELS.random]: 'random' },
    users: { U0ALICE0001: 'alice', U015SRE: 'sre-one', U016SRE: 'sre-two', U015LEAD: 'lead', U016MANAGER: 'manager' },
    bots: { [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID }, ...options.slackBots },
  });
  try {
    const t = await startTestDaemon({
      configPath: path.join(dir, 'daemon-config.yaml'),
      env: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        FAKE_SLACK_URL: slack.url,
        AOF_ADMIN_TOKEN: ADMIN_TOKEN,
        ...options.env,
      },
    });
    return {
      ...t,
      kubectlLog: options.env?.FAKE_KUBECTL_LOG ?? t.kubectlLog,
      slack,
      dir,
      stop: async () => {
        await t.stop();
        await slack.close();
        if (options.keep !== true) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await slack.close();
    throw error;
  }
}

/**
 * An AgentFlow of the fixture's `ops` agent whose fake kubectl logs where callsWith reads: `config`
 * lines go under `trigger.config`, `approval` lines under `approval`, both as written (no indent).
 */
export function approvalFlowYaml(name: string, flow: { trigger: string; config: readonly string[]; approval: readonly string[] }): string {
  const indented = (lines: readonly string[], by: string): string => lines.map((line) => `${by}${line}`).join('\n');
  return `apiVersion: aof.dev/v1
kind: AgentFlow
metadata:
  name: ${name}
spec:
  trigger:
    type: ${flow.trigger}
    config:
${indented(flow.config, '      ')}
  context:
    env:
      FAKE_KUBECTL_LOG: \${FAKE_KUBECTL_LOG}
  agents:
    - name: ops
  approval:
${indented(flow.approval, '    ')}
`;
}

export async function copyFixture(patch: Json = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aof-approvals-'));
  await cp(FIXTURE, dir, { recursive: true });
  const configPath = path.join(dir, 'daemon-config.yaml');
  const daemon = parse(await readFile(configPath, 'utf8')) as Json;
  daemon.spec = merge(daemon.spec as Json, patch);
  await writeFile(configPath, stringify(daemon));
  return dir;
}

function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? merge(current, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Slack ----

/** Signed with the app-wide secret unless `secret` names another (a flow's own, seed Pattern 5). */
export interface SignedBy {
  secret?: string;
}

async function deliver(t: ApprovalDaemon, body: string, contentType = 'application/json', secret?: string): Promise<void> {
  const request = signedRequest(body, { contentType, ...(secret !== undefined && { secret }) });
  const response = await fetch(`${t.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  if (response.status !== 200) throw new Error(`Slack webhook answered ${response.status}: ${await response.text()}`);
}

/** A person's message in a channel; resolves with its ts, which is also the thread replies go to. */
export async function slackSays(t: ApprovalDaemon, channel: string, user: string, text: string, options: SignedBy = {}): Promise<string> {
  const event = messageEvent({ channel, user, text });
  await deliver(t, eventEnvelope(event), undefined, options.secret);
  return String(event.ts);
}

export interface ReactionOptions extends SignedBy {
  removed?: boolean;
  /** The workspace the event comes from (default: the fixture's team). */
  teamId?: string;
}

export async function slackReacts(t: ApprovalDaemon, channel: string, ts: string, user: string, reaction: string, options: ReactionOptions = {}): Promise<void> {
  const eventTs = nextTs();
  const event = { type: options.removed === true ? 'reaction_removed' : 'reaction_added', user, reaction, item: { type: 'message', channel, ts }, event_ts: eventTs };
  await deliver(t, eventEnvelope(event, options.teamId === undefined ? {} : { teamId: options.teamId }), undefined, options.secret);
}

export async function slackClicks(t: ApprovalDaemon, channel: string, ts: string, user: string, actionId: string, value: string, options: SignedBy = {}): Promise<void> {
  const payload = {
    type: 'block_actions',
    team: { id: TEAM_ID, domain: 'aof' },
    user: { id: user, username: user, team_id: TEAM_ID },
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: `${nextTs()}.trigger`,
    channel: { id: channel, name: 'prod-alerts' },
    message: { type: 'message', ts, text: 'approval', bot_id: 'B0AOFBOT' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'approval', value, action_ts: nextTs() }],
  };
  await deliver(t, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options.secret);
}

export interface PostedRequest {
  id: string;
  ts: string;
  text: string;
}

/** The approval request the daemon posted in `thread`, once it is fully set up (its `requested` audit record is out). */
export async function approvalRequest(t: ApprovalDaemon, thread: string): Promise<PostedRequest> {
  const request = await waitFor(() => {
    const posted = t.slack.sentMessages().find((m) => m.thread === thread && m.text.includes('Approval needed'));
    const id = posted === undefined ? undefined : /apr-[a-z0-9]+/.exec(posted.text)?.[0];
    return posted !== undefined && id !== undefined ? { id, ts: posted.messageId, text: posted.text } : undefined;
  }, `an approval request in thread ${thread}`);
  await auditEvent(t, request.id, 'requested');
  return request;
}

export function threadTexts(t: ApprovalDaemon, thread: string): string[] {
  return t.slack.sentMessages().filter((m) => m.thread === thread).map((m) => m.text);
}

export function threadMessage(t: ApprovalDaemon, thread: string, pattern: RegExp): Promise<string> {
  return waitFor(() => threadTexts(t, thread).find((text) => pattern.test(text)), `a message matching ${pattern} in thread ${thread}`);
}

// ---- local ----

export async function localSays(t: TestDaemon, channel: string, user: string, text: string): Promise<LocalReply> {
  const { status, body } = await postLocal(t.url, { channel, user, text });
  if (status !== 200) throw new Error(`local platform answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** A request that stopped for approval, with its approval id. */
export async function localRequest(t: TestDaemon, channel: string, user: string, text: string): Promise<{ reply: LocalReply; id: string }> {
  const reply = await localSays(t, channel, user, text);
  const id = /apr-[a-z0-9]+/.exec(reply.reply ?? '')?.[0];
  if (reply.status !== 'awaiting_approval' || id === undefined) throw new Error(`expected an approval request, got ${JSON.stringify(reply)}`);
  return { reply, id };
}

export async function localRecord(t: TestDaemon, messageId: string): Promise<LocalReply> {
  const response = await fetch(`${t.url}/platforms/local/messages/${messageId}`);
  return (await response.json()) as LocalReply;
}

/** Waits until the asking message's record leaves the approval states, and returns it. */
export function localResult(t: TestDaemon, messageId: string, timeoutMs?: number): Promise<LocalReply> {
  return waitFor(async () => {
    const record = await localRecord(t, messageId);
    return ['awaiting_approval', 'approved', 'pending'].includes(record.status) ? undefined : record;
  }, `the result of ${messageId}`, timeoutMs);
}

// ---- what happened ----

export interface KubectlCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
}

export async function kubectlCalls(t: TestDaemon): Promise<KubectlCall[]> {
  let text = '';
  try {
    text = await readFile(t.kubectlLog, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as KubectlCall);
}

/** Calls whose argv contains every word of `words` (in any position). */
export async function callsWith(t: TestDaemon, ...words: string[]): Promise<KubectlCall[]> {
  return (await kubectlCalls(t)).filter((call) => words.every((word) => call.argv.includes(word)));
}

export function auditOf(t: TestDaemon, id: string): Array<Record<string, unknown>> {
  return t.logs.filter((line) => line.msg === 'approval' && line.audit === true && line.approval_id === id);
}

/** The audit trail the store keeps for a request (`approval:<id>:audit`), which outlives the request. */
export async function storedTrail(t: TestDaemon, id: string): Promise<Array<Record<string, unknown>>> {
  return (await t.daemon.kernel.store().listRange(`approval:${id}:audit`, 0, -1)).map((raw) => JSON.parse(raw) as Record<string, unknown>);
}

export function auditEvent(t: TestDaemon, id: string, event: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return waitFor(() => auditOf(t, id).find((line) => line.event === event && Object.entries(extra).every(([k, v]) => line[k] === v)),
    `audit event ${event} of ${id}`);
}
