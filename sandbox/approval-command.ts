/**
 * Normalizes a tool call into the command the approval rules are matched against, so spacing,
 * quoting, flag order, shorthands and aliases cannot slip a command past them:
 * `kubectl -n prod delete po/x` and `kubectl delete pod x --namespace prod` read the same.
 *
 * A command can have several readings: a flag the grammar does not know may or may not take the
 * next argument, and `pods,ns` names two resource types. Every reading is kept and a rule applies
 * when it matches any of them; past MAX_READINGS the command is `overflow`, matched by every rule.
 */
import { readStringArray } from '@aof/api';
import { GRAMMARS, type CliGrammar } from './approval-grammar.js';
import type { CallBody } from './protocol.js';

/** One way the CLI could read the argv: its words (verb first) and its flags by long name. */
export interface CommandReading {
  positionals: string[];
  flags: Array<readonly [name: string, value: string | undefined]>;
}

export interface NormalizedCommand {
  /** The binary (`kubectl`, also for `shell` running kubectl) or the tool's own name. */
  tool: string;
  /** What the binary gets, exactly as the model asked. */
  argv: string[];
  /** What the call sends besides argv (an http POST's body): rules do not read it, approvers must see it. */
  body?: CallBody;
  readings: CommandReading[];
  /** Too many readings to list: treat every rule as matching. */
  overflow: boolean;
}

const MAX_READINGS = 64;
/** Longer command lines are not parsed at all: they count as matching every rule. */
const MAX_ARGV = 256;

/** The command a tool call would run; tools without an argv get their name alone. */
export function normalizeCall(toolName: string, args: Record<string, unknown>): NormalizedCommand {
  let tool = toolName;
  let argv = readStringArray(args.args) ?? [];
  let body: CallBody | undefined;
  if (toolName === 'shell') {
    const full = readStringArray(args.argv) ?? [];
    const binary = full[0] ?? '';
    tool = binary.slice(binary.lastIndexOf('/') + 1);
    argv = full.slice(1);
  } else if (toolName === 'http') {
    const method = typeof args.method === 'string' ? args.method : 'GET';
    argv = [method, typeof args.url === 'string' ? args.url : ''];
    body = httpBody(method, args.body);
  }
  return { tool, argv, ...(body !== undefined && { body }), ...readArgv(tool, argv) };
}

/** The body the http tool sends (plugins/http): a POST's only; a string as text, anything else as JSON. */
function httpBody(method: string, body: unknown): CallBody | undefined {
  if (method.toUpperCase() !== 'POST' || body === undefined) return undefined;
  return typeof body === 'string' ? { json: false, text: body } : { json: true, text: JSON.stringify(body) };
}

/** All readings of `argv` for `tool`, canonicalized. */
export function readArgv(tool: string, argv: readonly string[]): { readings: CommandReading[]; overflow: boolean } {
  if (argv.length > MAX_ARGV) return { readings: [{ positionals: argv.map(canonicalWord), flags: [] }], overflow: true };
  const grammar = GRAMMARS[tool];
  const parsed = grammar === undefined ? { readings: [genericReading(argv)], overflow: false } : grammarReadings(argv, grammar);
  const readings = parsed.readings.flatMap((reading) => canonicalReadings(reading, grammar));
  return { readings: readings.slice(0, MAX_READINGS), overflow: parsed.overflow || readings.length > MAX_READINGS };
}

/** `kubectl delete pod x --namespace=prod`: what RE2 patterns in `require_for` and `rules` see. */
export function commandLine(tool: string, reading: CommandReading): string {
  const flags = reading.flags.map(([name, value]) => (value === undefined ? `--${name}` : `--${name}=${value}`));
  return [tool, ...reading.positionals, ...flags].join(' ');
}

/** The binary name as written in a rule or require_for entry (`/usr/bin/kubectl` is `kubectl`). */
export function canonicalTool(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1).trim().toLowerCase();
}

/** Case and padding never change what a word means to a rule (a mis-cased verb only fails in the CLI). */
function canonicalWord(word: string): string {
  return word.trim().toLowerCase();
}

/** A CLI the check has no grammar for: dash tokens are flags (`-rf` is r and f), the rest are words. */
function genericReading(argv: readonly string[]): CommandReading {
  const reading: CommandReading = { positionals: [], flags: [] };
  for (const token of argv) {
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      reading.flags.push(eq === -1 ? [token.slice(2), undefined] : [token.slice(2, eq), token.slice(eq + 1)]);
    } else if (token.startsWith('-') && token.length > 1) {
      for (const letter of token.slice(1)) reading.flags.push([letter, undefined]);
    } else {
      reading.positionals.push(token);
    }
  }
  return reading;
}

interface ParseState {
  index: number;
  positionals: string[];
  flags: Array<readonly [string, string | undefined]>;
}

/** pflag's parse (kubectl and helm use it), branching wherever the grammar cannot tell a flag's arity. */
function grammarReadings(argv: readonly string[], grammar: CliGrammar): { readings: CommandReading[]; overflow: boolean } {
  const readings: CommandReading[] = [];
  const work: ParseState[] = [{ index: 0, positionals: [], flags: [] }];
  let overflow = false;
  while (work.length > 0) {
    const state = work.pop() as ParseState;
    if (readings.length + work.length >= MAX_READINGS) {
      overflow = true;
      break;
    }
    const token = argv[state.index];
    if (token === undefined) {
      readings.push({ positionals: state.positionals, flags: state.flags });
      continue;
    }
    if (token === '--') {
      // Everything after `--` is arguments (a remote command for exec): kept as words, never as flags.
      readings.push({ positionals: [...state.positionals, ...argv.slice(state.index + 1)], flags: state.flags });
      continue;
    }
    for (const step of flagSteps(argv, state.index, grammar)) {
      work.push({ index: step.next, positionals: state.positionals, flags: [...state.flags, ...step.flags] });
    }
    if (!isFlag(token)) work.push({ index: state.index + 1, positionals: [...state.positionals, token], flags: state.flags });
  }
  return { readings, overflow };
}

function isFlag(token: string): boolean {
  return token.startsWith('-') && token.length > 1;
}

interface FlagStep {
  next: number;
  flags: Array<readonly [string, string | undefined]>;
}

/** The ways the flag token at `index` can be read; none when it is not a flag. */
function flagSteps(argv: readonly string[], index: number, grammar: CliGrammar): FlagStep[] {
  const token = argv[index] ?? '';
  if (!isFlag(token)) return [];
  if (!token.startsWith('--')) return shorthandSteps(argv, index, grammar);
  const eq = token.indexOf('=');
  // kubectl reads `_` in flag names as `-`.
  const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).replaceAll('_', '-');
  if (eq !== -1) return [{ next: index + 1, flags: [[name, token.slice(eq + 1)]] }];
  const asBool: FlagStep = { next: index + 1, flags: [[name, undefined]] };
  const asValue: FlagStep = { next: index + 2, flags: [[name, argv[index + 1]]] };
  if (grammar.boolFlags.has(name)) return [asBool];
  if (grammar.valueFlags.has(name)) return [asValue];
  return index + 1 < argv.length ? [asBool, asValue] : [asBool];
}

/** A combined shorthand token (`-itn`, `-nprod`, `-n=prod`): letters until one takes a value. */
function shorthandSteps(argv: readonly string[], index: number, grammar: CliGrammar): FlagStep[] {
  const token = argv[index] ?? '';
  const steps: FlagStep[] = [];
  const flags: Array<readonly [string, string | undefined]> = [];
  for (let j = 1; j < token.length; j++) {
    const letter = token[j] ?? '';
    const rest = token.slice(j + 1);
    const valueStep = (name: string): FlagStep => rest === ''
      ? { next: index + 2, flags: [...flags, [name, argv[index + 1]]] }
      : { next: index + 1, flags: [...flags, [name, rest.startsWith('=') ? rest.slice(1) : rest]] };
    const valueName = grammar.valueShorthands[letter];
    if (valueName !== undefined) return [...steps, valueStep(valueName)];
    const boolName = grammar.boolShorthands[letter];
    if (boolName === undefined) {
      // Unknown letter: it may take the rest (or the next argument) as its value, or be a boolean.
      if (rest !== '' || index + 1 < argv.length) steps.push(valueStep(letter));
      flags.push([letter, undefined]);
    } else {
      flags.push([boolName, undefined]);
    }
    if (rest.startsWith('=')) return [...steps, { next: index + 1, flags }];
  }
  return [...steps, { next: index + 1, flags }];
}

/** Verb and resource aliases resolved; `type/name` split into two words; `pods,ns` one reading per type. */
function canonicalReadings(reading: CommandReading, grammar: CliGrammar | undefined): CommandReading[] {
  const flags = reading.flags.map(([name, value]) => [name, value?.trim()] as const);
  let variants: string[][] = [[]];
  reading.positionals.forEach((raw, position) => {
    const word = canonicalWord(raw);
    if (word === '') return;
    const choices = position === 0 ? [[grammar?.verbAliases[word] ?? word]] : resourceChoices(word, grammar?.resourceAliases);
    // Capped as it grows: one over the limit is enough for the caller to see the overflow.
    variants = variants.flatMap((variant) => choices.map((choice) => [...variant, ...choice])).slice(0, MAX_READINGS + 1);
  });
  return variants.map((positionals) => ({ positionals, flags }));
}

/** The words one argument stands for, as alternatives. */
function resourceChoices(word: string, table: Readonly<Record<string, string>> | undefined): string[][] {
  if (table === undefined) return [[word]];
  const slash = word.indexOf('/');
  if (slash !== -1) return [[resourceType(word.slice(0, slash), table), word.slice(slash + 1)]];
  if (word.includes(',')) return word.split(',').filter((part) => part !== '').map((part) => [resourceType(part, table)]);
  return [[resourceType(word, table)]];
}

/** `ns` -> `namespace`, `deploy.apps` -> `deployment.apps`. */
function resourceType(type: string, table: Readonly<Record<string, string>>): string {
  const dot = type.indexOf('.');
  const base = dot === -1 ? type : type.slice(0, dot);
  return (table[base] ?? base) + (dot === -1 ? '' : type.slice(dot));
}
