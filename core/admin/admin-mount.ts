import type { HttpService, Logger } from '@aof/api';
import { adminRoutes, type AdminRoutesOptions } from './admin-routes.js';
import { listenAdmin, type AdminListener } from './admin-server.js';
import type { AdminSettings } from './admin-settings.js';

/** Where the admin API is served: nowhere (off), on the daemon's server, or on its own port. */
export interface AdminMount {
  /** Starts the admin API's own listener when it has one; call once the daemon listens. */
  listen(host: string): Promise<void>;
  /** The own listener's port, when there is one. */
  port(): number | undefined;
  close(): Promise<void>;
}

const SHARED_OR_OFF: AdminMount = { listen: async () => undefined, port: () => undefined, close: async () => undefined };

/** Registers the routes on the daemon's server now (before it listens), unless `admin.port` gives them their own. */
export function mountAdmin(settings: AdminSettings | undefined, options: Omit<AdminRoutesOptions, 'token'>, http: HttpService, logger: Logger): AdminMount {
  if (settings === undefined) return SHARED_OR_OFF;
  const routes = adminRoutes({ ...options, token: settings.token });
  const { prefix, port } = settings;
  if (port === undefined) {
    http.register(routes, { prefix });
    return SHARED_OR_OFF;
  }
  let listener: AdminListener | undefined;
  return {
    async listen(host) {
      listener = await listenAdmin(routes, prefix, { port, host, bodyLimitBytes: settings.bodyLimitBytes, requestTimeoutMs: settings.requestTimeoutMs }, logger);
    },
    port: () => listener?.port,
    close: async () => listener?.close(),
  };
}
