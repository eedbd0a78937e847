/**
 * The RE2 engine behind approval patterns is loaded on first need, not when a sandbox thread
 * starts: most flows have no approval patterns, and the import is a third of a thread's start.
 * Each test file runs in its own process, so the engine is not loaded when this one begins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ToolCall } from '@aof/api';
import { approvalNeed, loadPatternEngine, needsPatternEngine } from '../../sandbox/approval-policy.js';
import type { TaskApprovalPolicy } from '../../sandbox/protocol.js';

const deletePod: ToolCall = { id: 'c1', name: 'kubectl', arguments: { args: ['delete', 'pod', 'web-1'] } };
const policy = (over: Partial<TaskApprovalPolicy>): TaskApprovalPolicy => ({ rules: [], requireFor: [], classify: false, ...over });

describe('the approval pattern engine', () => {
  it('is needed only for policies with patterns, and approvalNeed refuses to guess without it', () => {
    assert.equal(needsPatternEngine(undefined), false);
    assert.equal(needsPatternEngine(policy({ requireFor: ['kubectl delete', 'destructive'] })), false);
    assert.equal(approvalNeed(deletePod, policy({ requireFor: ['kubectl delete'] })).needed, true, 'a command prefix needs no engine');
    const patterned = policy({ requireFor: ['^kubectl (delete|scale)'] });
    assert.equal(needsPatternEngine(patterned), true);
    assert.throws(() => approvalNeed(deletePod, patterned), /loadPatternEngine/);
  });

  it('once loaded, matches patterns and is not needed again', async () => {
    await loadPatternEngine();
    const patterned = policy({ requireFor: ['^kubectl (delete|scale)'] });
    assert.equal(needsPatternEngine(patterned), false);
    assert.equal(approvalNeed(deletePod, patterned).needed, true);
    assert.equal(approvalNeed({ ...deletePod, arguments: { args: ['get', 'pods'] } }, patterned).needed, false);
  });
});
