/**
 * Refusal notices end to end on Slack: a user over their per-user limit is told once in the
 * channel, not once per mention, while the answer to the admitted mention still arrives in
 * its own thread. The daemon's state store holds who was told.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@aof/testkit';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { BOT_TOKEN, BOT_USER_ID, eventEnvelope, messageEvent, SIGNING_SECRET, signedRequest, TEAM_ID } from '../platforms/slack/slack-requests.js';
import { COMMAND, POD_TABLE, requestLines, startE2eDaemon, type E2eDaemon } from './support.js';

const PRODUCTION = 'C0PROD00001';
const USER = 'U0ALICE0001';

describe('Slack refusal notices through the daemon', () => {
  let api: FakeSlackApi;
  let t: E2eDaemon;

  before(async () => {
    api = await startFakeSlackApi({
      channels: { [PRODUCTION]: 'production' },
      users: { [USER]: 'alice' },
      bots: { [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID } },
    });
    t = await startE2eDaemon('slack-refusals', { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, FAKE_SLACK_URL: api.url });
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  it('three mentions over a limit of one an hour: one answer, one rate-limit notice, one notice held', async () => {
    const threads: string[] = [];
    for (let i = 0; i < 3; i++) {
      const event = messageEvent({ type: 'app_mention', channel: PRODUCTION, user: USER, text: `<@${BOT_USER_ID}> ${COMMAND}` });
      threads.push(String(event.ts));
      const request = signedRequest(eventEnvelope(event));
      const response = await fetch(`${t.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
      assert.equal(response.status, 200);
    }
    // A request line is written once the message's reply went out (or was held): then nothing more will be posted.
    const lines = await waitFor('three request lines', () => (requestLines(t).length >= 3 ? requestLines(t) : undefined), 20_000);
    assert.deepEqual(lines.map((line) => line.status).sort(), ['ok', 'rate_limited', 'rate_limited']);
    assert.deepEqual(lines.filter((line) => line.status === 'rate_limited').map((line) => line.notice ?? 'posted').sort(), ['held', 'posted']);

    const posts = api.sentMessages();
    assert.equal(posts.length, 2, `posted: ${posts.map((post) => post.text).join(' | ')}`);
    const answer = posts.find((post) => POD_TABLE.test(post.text));
    const notice = posts.find((post) => /rate limit/i.test(post.text));
    assert.ok(answer !== undefined && notice !== undefined);
    // It says why the third mention gets no notice of its own.
    assert.match(notice.text, /next 30 s get no separate notice/);
    // Each in the thread of the mention it answers, all three threads distinct.
    assert.equal(new Set(threads).size, 3);
    assert.ok(threads.includes(String(answer.thread)) && threads.includes(String(notice.thread)));
    assert.notEqual(answer.thread, notice.thread);
  });
});
