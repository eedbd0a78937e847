import type { PlatformInstance } from '@aof/api';
import { createCloudPlatform } from './cloud-platform.js';
import { whatsappSettings, type WhatsAppConfig } from './config.js';
import type { WhatsAppPlatformDeps, WhatsAppPlatformOptions } from './platform-deps.js';
import { createWebPlatform } from './web-platform.js';

/**
 * Cloud API mode (the default) or web mode. Web mode's whatsapp-web.js is imported only when a
 * web-mode platform starts, so cloud mode never touches it.
 */
export function createWhatsAppPlatform(config: WhatsAppConfig, deps: WhatsAppPlatformDeps, options: WhatsAppPlatformOptions = {}): PlatformInstance {
  const settings = whatsappSettings(config);
  return settings.mode === 'web' ? createWebPlatform(settings, deps, options) : createCloudPlatform(settings, deps, options);
}
