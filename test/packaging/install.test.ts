/**
 * `npm install` of the repo must not download a browser: whatsapp-web.js (and puppeteer under it)
 * is reachable only as the WhatsApp plugin's optional dependency, and .puppeteerrc.cjs stops
 * puppeteer's postinstall from fetching Chrome when it is installed.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
const BROWSER_PACKAGES = ['whatsapp-web.js', 'puppeteer'];

type Manifest = Partial<Record<(typeof DEPENDENCY_FIELDS)[number], Record<string, string>>>;

/** The root's package.json and every workspace's under core/ and plugins/, by directory relative to the root. */
function manifests(): Map<string, Manifest> {
  const dirs = ['.', ...['core', 'plugins'].flatMap((parent) => readdirSync(path.join(repoRoot, parent)).map((name) => `${parent}/${name}`))];
  const found = dirs.filter((dir) => existsSync(path.join(repoRoot, dir, 'package.json')));
  return new Map(found.map((dir) => [dir, JSON.parse(readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest]));
}

/** `field: package` for each of `names` that the manifest depends on, in any field. */
function dependsOn(manifest: Manifest, names: readonly string[]): string[] {
  return DEPENDENCY_FIELDS.flatMap((field) => names.filter((name) => manifest[field]?.[name] !== undefined).map((name) => `${field}: ${name}`));
}

describe('installing the repo', () => {
  it('tells puppeteer, through .puppeteerrc.cjs at the root, to skip its browser download', () => {
    const config = createRequire(import.meta.url)(path.join(repoRoot, '.puppeteerrc.cjs')) as { skipDownload?: unknown };
    assert.equal(config.skipDownload, true);
  });

  it('reaches whatsapp-web.js only as the WhatsApp plugin\'s optional dependency, and puppeteer from no package.json', () => {
    const all = manifests();
    assert.ok(all.has('.') && all.has('core/api') && all.has('plugins/slack'), `read ${[...all.keys()].join(', ')}`);
    const whatsapp = all.get('plugins/whatsapp');
    assert.ok(whatsapp !== undefined, 'plugins/whatsapp/package.json');
    assert.deepEqual(dependsOn(whatsapp, BROWSER_PACKAGES), ['optionalDependencies: whatsapp-web.js']);
    const others = [...all].filter(([dir]) => dir !== 'plugins/whatsapp').flatMap(([dir, manifest]) => dependsOn(manifest, BROWSER_PACKAGES).map((entry) => `${dir} ${entry}`));
    assert.deepEqual(others, []);
  });
});
