/** Per provider name this plugin serves; an agent's `base_url` overrides the URL. */
export const OPENAI_DEFAULTS: Readonly<Record<string, { baseUrl: string; model: string }>> = {
  openai: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
  ollama: { baseUrl: 'http://localhost:11434/v1', model: 'llama3.1' },
};
