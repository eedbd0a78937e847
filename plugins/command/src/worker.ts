/**
 * A model without an LLM: the user's message is one direct tool call (`kubectl get pods -n
 * staging`), and the tool's output is the answer. First turn: a tool call; second turn (the
 * last message is the tool result): that result as the reply. Policy still applies, since the
 * call goes through the same agent loop as any model's.
 */
import { defineModelProvider, type ModelResponse, type ToolSpec } from '@aof/api';
import { splitCommandLine } from './split.js';

const NO_USAGE = { inputTokens: 0, outputTokens: 0 };

function answer(content: string): ModelResponse {
  return { content, toolCalls: [], usage: NO_USAGE };
}

function usage(tools: readonly ToolSpec[]): string {
  const names = tools.map((tool) => tool.name);
  if (names.length === 0) return 'This agent has no tools, so there is nothing I can run.';
  return `Send a command that starts with one of this agent's tools: ${names.join(', ')} (for example \`${names[0]} ...\`).`;
}

export default defineModelProvider({
  async complete(request, ctx) {
    const last = request.messages.at(-1);
    if (last?.role === 'tool') return answer(last.content === '' ? '(no output)' : last.content);

    let words: string[];
    try {
      words = splitCommandLine(last?.role === 'user' ? last.content : '');
    } catch (error) {
      return answer(`I could not read that command: ${error instanceof Error ? error.message : String(error)}.`);
    }
    const [tool, ...argv] = words;
    if (tool === undefined) return answer(usage(request.tools));
    if (!request.tools.some((spec) => spec.name === tool)) {
      return answer(`"${tool}" is not a tool I can run here. ${usage(request.tools)}`);
    }
    return { content: '', toolCalls: [{ id: 'command-1', name: tool, arguments: ctx.parseCommand(tool, argv) }], usage: NO_USAGE };
  },
});
