/**
 * The approval strategy plugins read events as votes (and nothing more): reaction, button,
 * command, and the example custom strategy business-hours, each wired the way the kernel wires
 * it (dependencies injected as the other strategies' instances).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { APPROVAL_ACTION_IDS, type ApprovalInstance, type ApprovalVoteContext, type InboundMessage } from '@aof/api';
import businessHours, { withinBusinessHours, type BusinessHoursConfig } from '@aof/plugin-approval-business-hours';
import buttonStrategy from '@aof/plugin-approval-button';
import commandStrategy from '@aof/plugin-approval-command';
import reactionStrategy, { DEFAULT_REACTIONS } from '@aof/plugin-approval-reaction';

const ID = 'apr-abcdefghjk';
/** Monday 2030-01-14 10:30 UTC. */
const MONDAY_MORNING = Date.UTC(2030, 0, 14, 10, 30);
const context = (now = MONDAY_MORNING, platformReactions?: ApprovalVoteContext['platformReactions']): ApprovalVoteContext => ({
  request: { id: ID, flow: 'f', mode: 'reaction', messageId: '111.222', expiresAt: now + 60_000 },
  ...(platformReactions !== undefined && { platformReactions }),
  now,
});

const base = { id: 'e1', platform: 'slack', channel: { id: 'C1' }, user: { id: 'U1' }, text: '', receivedAt: 0 } as const;
const typed = (text: string): InboundMessage => ({ ...base, kind: 'message', text });
const reaction = (name: string, removed = false): InboundMessage => ({ ...base, kind: 'reaction', reaction: { name, messageId: '111.222', removed } });
const button = (id: string, value: string): InboundMessage => ({ ...base, kind: 'button', action: { id, value, messageId: '111.222' } });

describe('approval strategy plugins', () => {
  let command: ApprovalInstance;
  let buttons: ApprovalInstance;
  let reactions: ApprovalInstance;
  let hours: ApprovalInstance;
  const weekdays: BusinessHoursConfig = { days: [1, 2, 3, 4, 5], start_hour: 9, end_hour: 17, utc_offset_minutes: 0 };
  before(async () => {
    command = await commandStrategy.init({ name: 'approval-command', config: {}, deps: {} });
    buttons = await buttonStrategy.init({ name: 'approval-button', config: {}, deps: { commands: command } });
    reactions = await reactionStrategy.init({ name: 'approval-reaction', config: DEFAULT_REACTIONS, deps: { buttons } });
    hours = await businessHours.init({ name: 'approval-business-hours', config: weekdays, deps: { reactions } });
  });

  it('command: /approve, approve, /deny and /withdraw naming this request; nothing else', () => {
    assert.equal(command.mode, 'command');
    assert.equal(command.interpret(typed(`/approve ${ID}`), context()), 'approve');
    assert.equal(command.interpret(typed(`Approve ${ID.toUpperCase()}`), context()), 'approve');
    assert.equal(command.interpret(typed(`/deny ${ID}`), context()), 'deny');
    assert.equal(command.interpret(typed(`/withdraw ${ID}`), context()), 'withdraw');
    assert.equal(command.interpret(typed('/approve apr-zzzzzzzzzz'), context()), undefined, 'another request');
    assert.equal(command.interpret(typed(`why is ${ID} pending? /approve ${ID}`), context()), undefined, 'not a command');
    assert.equal(command.interpret(reaction('white_check_mark'), context()), undefined);
  });

  it('command: a slash command, whose name is its event and whose text is its argument', () => {
    const slash = (event: string, text: string): InboundMessage => ({ ...base, kind: 'command', event, text });
    assert.equal(command.interpret(slash('/approve', ID), context()), 'approve');
    assert.equal(command.interpret(slash('/deny', ID), context()), 'deny');
    assert.equal(command.interpret(slash('/aof', `approve ${ID}`), context()), 'approve');
    assert.equal(command.interpret(slash('/aof', ID), context()), undefined, 'no verb');
  });

  it('button: the approve and deny actions carrying this request\'s id; typed commands via the command strategy', () => {
    assert.equal(buttons.mode, 'button');
    assert.equal(buttons.interpret(button(APPROVAL_ACTION_IDS.approve, ID), context()), 'approve');
    assert.equal(buttons.interpret(button(APPROVAL_ACTION_IDS.deny, ID), context()), 'deny');
    assert.equal(buttons.interpret(button(APPROVAL_ACTION_IDS.approve, 'apr-zzzzzzzzzz'), context()), undefined);
    assert.equal(buttons.interpret(button('something_else', ID), context()), undefined);
    assert.equal(buttons.interpret(typed(`/deny ${ID}`), context()), 'deny');
  });

  it('reaction: approve and deny names (with skin tones, emoji, the platform\'s own); removing an approval withdraws it', () => {
    assert.equal(reactions.mode, 'reaction');
    for (const name of ['white_check_mark', 'heavy_check_mark', '+1', '+1::skin-tone-3', '✅', '👍']) {
      assert.equal(reactions.interpret(reaction(name), context()), 'approve', name);
    }
    for (const name of ['x', 'no_entry', '-1', '❌']) assert.equal(reactions.interpret(reaction(name), context()), 'deny', name);
    assert.equal(reactions.interpret(reaction('white_check_mark', true), context()), 'withdraw');
    assert.equal(reactions.interpret(reaction('x', true), context()), undefined, 'taking a deny back changes nothing');
    assert.equal(reactions.interpret(reaction('eyes'), context()), undefined);
    assert.equal(reactions.interpret(reaction('shipit'), context(MONDAY_MORNING, { approve: ['shipit'], deny: [] })), 'approve');
    assert.equal(reactions.interpret(button(APPROVAL_ACTION_IDS.approve, ID), context()), 'approve', 'buttons where the platform posted those');
    assert.equal(reactions.interpret(typed(`/approve ${ID}`), context()), 'approve');
  });

  it('business-hours (the custom example): approvals only count in hours, denials always', () => {
    assert.equal(withinBusinessHours(MONDAY_MORNING, weekdays), true);
    assert.equal(withinBusinessHours(Date.UTC(2030, 0, 14, 3, 0), weekdays), false, '3 a.m.');
    assert.equal(withinBusinessHours(Date.UTC(2030, 0, 19, 11, 0), weekdays), false, 'Saturday');
    assert.equal(withinBusinessHours(Date.UTC(2030, 0, 14, 7, 30), { ...weekdays, utc_offset_minutes: 120 }), true, '09:30 at UTC+2');
    assert.equal(hours.strategy, 'business-hours');
    assert.equal(hours.interpret(reaction('white_check_mark'), context()), 'approve');
    const night = Date.UTC(2030, 0, 14, 3, 0);
    assert.equal(hours.interpret(reaction('white_check_mark'), context(night)), undefined);
    assert.equal(hours.interpret(typed(`/approve ${ID}`), context(night)), undefined);
    assert.equal(hours.interpret(reaction('x'), context(night)), 'deny');
  });
});
