import { AofError, ErrorCode } from '@aof/api';
import type { WhatsAppSettings } from './config.js';
import { record } from './fields.js';
import type { WebClient, WebClientFactory } from './web-client.js';

/** Imports a module by name; the seam tests use to make whatsapp-web.js missing. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

export const WHATSAPP_WEB_MODULE = 'whatsapp-web.js';
export const WHATSAPP_WEB_MISSING = 'whatsapp-web.js is not installed: npm install whatsapp-web.js';

/**
 * The only place whatsapp-web.js is loaded, and only when web mode starts: a dynamic import of
 * a name held in a variable, so neither tsc nor a bundler follows it and cloud mode (and the
 * daemon) run where the optional package, puppeteer and Chromium are absent.
 */
const importByName: ModuleImporter = (specifier) => import(specifier);

/** Loads whatsapp-web.js and returns a factory of clients with the session directory and Chromium from the config. */
export async function loadWhatsAppWeb(settings: WhatsAppSettings, importModule: ModuleImporter = importByName): Promise<WebClientFactory> {
  let loaded: unknown;
  try {
    loaded = await importModule(WHATSAPP_WEB_MODULE);
  } catch (cause) {
    if (!isMissing(cause, WHATSAPP_WEB_MODULE)) throw cause;
    throw new AofError(ErrorCode.PLUGIN_DEPENDENCY, WHATSAPP_WEB_MISSING, { plugin: 'whatsapp', details: { module: WHATSAPP_WEB_MODULE }, cause });
  }
  // A CommonJS package: its exports arrive as the namespace's default.
  const exports = record(record(loaded)?.default) ?? record(loaded);
  const Client = exports?.Client;
  const LocalAuth = exports?.LocalAuth;
  if (typeof Client !== 'function' || typeof LocalAuth !== 'function') {
    throw new AofError(ErrorCode.PLUGIN_DEPENDENCY, 'whatsapp-web.js exports no Client and LocalAuth: install version 1.x', { plugin: 'whatsapp' });
  }
  const ClientClass = Client as new (options: Record<string, unknown>) => WebClient;
  const LocalAuthClass = LocalAuth as new (options: Record<string, unknown>) => unknown;
  return () => new ClientClass({
    authStrategy: new LocalAuthClass(settings.sessionDir === undefined ? {} : { dataPath: settings.sessionDir }),
    puppeteer: {
      headless: true,
      ...(settings.chromiumPath !== undefined && { executablePath: settings.chromiumPath }),
      ...(settings.chromiumArgs.length > 0 && { args: [...settings.chromiumArgs] }),
    },
  });
}

/**
 * Where the login QR goes: rendered by qrcode-terminal when it is installed, else the raw string
 * (any QR tool renders it). The terminal only, never the log: see README "QR login".
 */
export async function terminalQrPrinter(
  write: (text: string) => void = (text) => void process.stderr.write(text),
  importModule: ModuleImporter = importByName,
): Promise<(qr: string) => void> {
  try {
    const loaded = await importModule('qrcode-terminal');
    const generate = (record(record(loaded)?.default) ?? record(loaded))?.generate;
    if (typeof generate === 'function') {
      const render = generate as (qr: string, options: { small: boolean }, done: (rendered: string) => void) => void;
      return (qr) => render(qr, { small: true }, (rendered) => write(`WhatsApp Web login: scan this with the phone (Linked devices)\n${rendered}\n`));
    }
  } catch {
    // Optional: without it the raw string is printed below.
  }
  return (qr) => write(`WhatsApp Web login: render this QR string and scan it with the phone (Linked devices):\n${qr}\n`);
}

function isMissing(error: unknown, name: string): boolean {
  const code = record(error)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error instanceof Error && error.message.includes(`'${name}'`);
}
