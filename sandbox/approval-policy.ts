/**
 * Does this tool call need an approval before it runs, and which chain approves it? Decided in
 * the sandbox on every call, from the flow's approval policy the kernel put in the task, on the
 * normalized command (approval-command.ts). Pure once the pattern engine is loaded
 * (loadPatternEngine): no I/O, so it is the same under Node and Deno.
 *
 * In order: the first `rules` pattern that matches picks its chain; else a `require_for` entry
 * that matches (a command prefix, an RE2 pattern, or `destructive`); else, when the policy says
 * so, the classifier. Patterns are RE2 and case-insensitive; one that does not compile matches
 * everything: fail closed.
 */
import type { ToolCall } from '@aof/api';
import type { RE2JS } from 're2js';
import { classifyCommand, canonicalInteger } from './approval-classifier.js';
import { canonicalTool, commandLine, normalizeCall, readArgv, type CommandReading, type NormalizedCommand } from './approval-command.js';
import type { ApprovalCommand, CommandClass, TaskApprovalPolicy } from './protocol.js';

/** The require_for keyword that turns the classifier on. */
export const DESTRUCTIVE = 'destructive';

export type ApprovalNeed =
  | { needed: false }
  | { needed: true; reason: string; chain?: string; classification: CommandClass; command: ApprovalCommand };

/**
 * The RE2 engine, loaded on first need: most flows have no approval patterns, and importing it
 * at start cost every sandbox thread's start about a tenth of its CPU.
 */
let engine: typeof RE2JS | undefined;

/** Whether `policy` has patterns and the engine still has to be loaded (loadPatternEngine) before approvalNeed. */
export function needsPatternEngine(policy: TaskApprovalPolicy | undefined): boolean {
  return engine === undefined && policy !== undefined && (policy.rules.length > 0 || policy.requireFor.some(isPatternEntry));
}

export async function loadPatternEngine(): Promise<void> {
  engine ??= (await import('re2js')).RE2JS;
}

/** Needs the pattern engine loaded when the policy has patterns (needsPatternEngine). */
export function approvalNeed(call: ToolCall, policy: TaskApprovalPolicy | undefined): ApprovalNeed {
  if (policy === undefined) return { needed: false };
  const command = normalizeCall(call.name, call.arguments);
  const classification = classifyCommand(command);
  const needed = (reason: string, chain?: string): ApprovalNeed => ({
    needed: true,
    reason,
    ...(chain !== undefined && { chain }),
    classification,
    command: { tool: command.tool, argv: command.argv, ...(command.body !== undefined && { body: command.body }) },
  });
  const rule = policy.rules.find((candidate) => patternMatches(candidate.pattern, command));
  if (rule !== undefined) return needed(`rule "${rule.pattern}"`, rule.chain);
  for (const entry of policy.requireFor) {
    if (entry.trim().toLowerCase() === DESTRUCTIVE) {
      if (classification !== 'read') return needed(`classified as ${classification}`);
    } else if (entryMatches(entry, command)) {
      return needed(`require_for "${entry}"`);
    }
  }
  if (policy.classify && classification !== 'read') return needed(`classified as ${classification}`);
  return { needed: false };
}

/** A require_for entry with a regex metacharacter is an RE2 pattern; anything else a command prefix. */
export function isPatternEntry(entry: string): boolean {
  return /[\^$*+?()[\]{}|\\]/.test(entry);
}

function entryMatches(entry: string, command: NormalizedCommand): boolean {
  return isPatternEntry(entry) ? patternMatches(entry, command) : prefixMatches(entry, command);
}

const compiled = new Map<string, RE2JS | null>();

function patternMatches(pattern: string, command: NormalizedCommand): boolean {
  if (command.overflow) return true;
  if (engine === undefined) throw new Error('approval patterns need loadPatternEngine() first');
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      // Case-insensitive: a capital letter in a pattern must not make it miss the lower-cased command line.
      re = engine.compile(pattern, engine.CASE_INSENSITIVE);
    } catch {
      re = null;
    }
    compiled.set(pattern, re);
  }
  if (re === null) return true;
  const regex = re;
  return command.readings.some((reading) => regex.test(commandLine(command.tool, reading)));
}

/**
 * `kubectl scale --replicas=0`: the same binary, the entry's words first (verb, sub-verbs,
 * resource type), and each of the entry's flags anywhere, with an equal value when it gives one.
 */
function prefixMatches(entry: string, command: NormalizedCommand): boolean {
  const [first = '', ...rest] = entry.trim().split(/\s+/);
  if (canonicalTool(first) !== command.tool) return false;
  if (command.overflow) return true;
  // An entry is written by an operator: its first reading is what they meant.
  const wanted = readArgv(command.tool, rest).readings[0];
  if (wanted === undefined) return true;
  return command.readings.some((reading) => readingHas(reading, wanted));
}

function readingHas(reading: CommandReading, wanted: CommandReading): boolean {
  const words = wanted.positionals.every((word, i) => reading.positionals[i] === word);
  return words && wanted.flags.every(([name, value]) =>
    reading.flags.some(([have, given]) => have === name && (value === undefined || sameValue(given, value))));
}

/** `--replicas 00` is `--replicas=0` to kubectl. */
function sameValue(given: string | undefined, wanted: string): boolean {
  if (given === undefined) return false;
  if (given.toLowerCase() === wanted.toLowerCase()) return true;
  const a = canonicalInteger(given);
  return a !== undefined && a === canonicalInteger(wanted);
}
