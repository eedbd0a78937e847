import { register } from 'node:module';

/** `node --import <this file>`: the process runs as if whatsapp-web.js were not installed. */
register('./hide-whatsapp-web-hooks.js', import.meta.url);
