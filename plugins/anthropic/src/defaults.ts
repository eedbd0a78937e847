/** The Messages API an agent reaches unless it sets `base_url`. */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
