/**
 * A flow's approval settings as the sandbox and the approval service read them: which tool calls
 * need an approval (the policy travels in every task), and how long a request stays open.
 */
import type { LoadedFlow } from '@aof/api';
import type { TaskApprovalPolicy } from '../../sandbox/protocol.js';

export const DEFAULT_APPROVAL_TIMEOUT_SECS = 300;

/** `context.env.REQUIRE_APPROVAL` read as a switch; undefined when unset or not a yes/no word. */
function requireApprovalFlag(flow: LoadedFlow): boolean | undefined {
  const raw = flow.flow.spec.context?.env?.REQUIRE_APPROVAL;
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (value === 'true' || value === 'yes' || value === '1') return true;
  if (value === 'false' || value === 'no' || value === '0') return false;
  return undefined;
}

/**
 * Undefined when no call of the flow needs approval. `REQUIRE_APPROVAL: "false"` turns approvals
 * off for the flow (the seed's staging flow). Explicit `require_for` and `rules` say what needs
 * one; without them the classifier decides when the flow asks for approvals (`REQUIRE_APPROVAL:
 * "true"`) or names approvers: a flow that lists approvers means something should wait for them.
 */
export function taskApprovalPolicy(flow: LoadedFlow): TaskApprovalPolicy | undefined {
  const flag = requireApprovalFlag(flow);
  if (flag === false) return undefined;
  const approval = flow.flow.spec.approval;
  const requireFor = approval?.require_for ?? [];
  const rules = (approval?.rules ?? []).map((rule) => ({ pattern: rule.pattern, chain: rule.chain }));
  const hasApprovers = (approval?.allowed_users?.length ?? 0) > 0 || (approval?.chains?.length ?? 0) > 0;
  const classify = requireFor.length === 0 && rules.length === 0 && (flag === true || hasApprovers);
  if (requireFor.length === 0 && rules.length === 0 && !classify) return undefined;
  return { requireFor: [...requireFor], rules, classify };
}

/** `approval.timeout_secs`, else `context.env.APPROVAL_TIMEOUT` (seconds), else 300 s. */
export function approvalTimeoutMs(flow: LoadedFlow): number {
  const own = flow.flow.spec.approval?.timeout_secs;
  if (own !== undefined && own > 0) return own * 1000;
  const fromEnv = Number(flow.flow.spec.context?.env?.APPROVAL_TIMEOUT);
  return (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_APPROVAL_TIMEOUT_SECS) * 1000;
}
