import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCode, isAofError } from '@aof/api';
import { loadWhatsAppWeb, terminalQrPrinter, WHATSAPP_WEB_MISSING } from '@aof/plugin-whatsapp';
import { repoRoot } from '../../helpers/paths.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const settings = { mode: 'web', path: '/', graphBaseUrl: '', accessToken: '', appSecret: '', verifyToken: '', maxAgeMs: 0, chatNames: new Map(), chromiumArgs: [] } as const;

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /srv/aof/plugins/whatsapp/dist/web-loader.js`), { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('loading whatsapp-web.js', () => {
  it('turns a missing package into a coded error that says how to install it', async () => {
    await assert.rejects(loadWhatsAppWeb(settings, async (name) => {
      throw notFound(name);
    }), (error: unknown) => {
      assert.ok(isAofError(error, ErrorCode.PLUGIN_DEPENDENCY), String(error));
      assert.equal(error.message, WHATSAPP_WEB_MISSING);
      assert.equal(error.message, 'whatsapp-web.js is not installed: npm install whatsapp-web.js');
      assert.equal(error.plugin, 'whatsapp');
      return true;
    });
  });

  it('passes on other failures, such as a broken install missing puppeteer, as they are', async () => {
    const broken = notFound('puppeteer');
    await assert.rejects(loadWhatsAppWeb(settings, async () => {
      throw broken;
    }), (error: unknown) => error === broken);
    await assert.rejects(loadWhatsAppWeb(settings, async () => ({ default: {} })), /exports no Client and LocalAuth/);
  });

  it('builds clients of the installed package with LocalAuth in session_dir and the configured Chromium, launching nothing', async () => {
    const sessionDir = mkdtempSync(path.join(tmpdir(), 'aof-wa-'));
    try {
      const factory = await loadWhatsAppWeb({ ...settings, sessionDir, chromiumPath: '/opt/chromium/chrome', chromiumArgs: ['--no-sandbox'] });
      const client = factory() as unknown as { options: { puppeteer: Record<string, unknown> }; authStrategy: { dataPath: string }; pupBrowser: unknown };
      assert.equal(client.options.puppeteer.executablePath, '/opt/chromium/chrome');
      assert.deepEqual(client.options.puppeteer.args, ['--no-sandbox']);
      assert.equal(client.authStrategy.dataPath, path.resolve(sessionDir));
      assert.equal(client.pupBrowser, null);
    } finally {
      rmSync(sessionDir, { recursive: true, force: true });
    }
  });

  it('names whatsapp-web.js in one plugin file only, behind a dynamic import', () => {
    const dist = path.join(repoRoot, 'plugins', 'whatsapp', 'dist');
    const naming = readdirSync(dist).filter((file) => file.endsWith('.js') && readFileSync(path.join(dist, file), 'utf8').includes("'whatsapp-web.js'"));
    assert.deepEqual(naming, ['web-loader.js']);
    const loader = readFileSync(path.join(dist, 'web-loader.js'), 'utf8');
    assert.doesNotMatch(loader, /from\s+['"]whatsapp-web\.js['"]|require\(/);
    assert.match(loader, /import\(specifier\)/);
  });

  it('runs cloud mode, and the daemon with every platform, in a process where whatsapp-web.js cannot be found; web mode there fails with the coded error', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', path.join(here, 'hide-whatsapp-web.js'), path.join(here, 'cloud-without-web.js')], { cwd: repoRoot, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'), {
      cloudText: 'works without whatsapp-web.js',
      replies: ['answered'],
      web: { code: ErrorCode.PLUGIN_DEPENDENCY, plugin: 'whatsapp', message: WHATSAPP_WEB_MISSING },
      daemon: { platforms: ['discord', 'local', 'slack', 'telegram', 'whatsapp'], hidden: true, ack: 200, replyChannel: 'Y2FwaV9ncm91cDpwcm9kdWN0aW9u' },
    });
  });
});

describe('the login QR on the terminal', () => {
  it('renders it with qrcode-terminal when installed', async () => {
    const written: string[] = [];
    const show = await terminalQrPrinter((text) => void written.push(text), async () => ({ default: { generate: (qr: string, _options: unknown, done: (rendered: string) => void) => done(`[[${qr}]]`) } }));
    show('2@qr-payload');
    assert.equal(written.length, 1);
    assert.match(written[0] ?? '', /scan this with the phone[\s\S]*\[\[2@qr-payload\]\]/);
  });

  it('prints the raw QR string otherwise', async () => {
    const written: string[] = [];
    const show = await terminalQrPrinter((text) => void written.push(text), async (name) => {
      throw notFound(name);
    });
    show('2@qr-payload');
    assert.match(written[0] ?? '', /render this QR string[\s\S]*\n2@qr-payload\n$/);
  });
});
