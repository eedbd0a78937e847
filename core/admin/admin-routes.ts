import type { FastifyPluginAsync } from 'fastify';
import type { StateStore } from '@aof/api';
import { decisionJson, probeMessage, type RouteProbe } from '../cli/route.js';
import type { ConfigSnapshot } from '../daemon/config-snapshot.js';
import type { RecentRequests } from '../logging/recent-requests.js';
import type { ReloadReport } from '../reload/config-reloader.js';
import { hasAdminToken } from './admin-auth.js';
import { agentView, approvalViews, flowView } from './admin-views.js';

export interface AdminRoutesOptions {
  token: string;
  snapshot: () => ConfigSnapshot;
  store: () => StateStore;
  recent: RecentRequests;
  reload: (trigger: string) => Promise<ReloadReport>;
}

const DEFAULT_REQUESTS = 100;

const text = { type: 'string', maxLength: 1024 };
const routeBody = {
  type: 'object',
  required: ['platform', 'text'],
  additionalProperties: false,
  properties: { platform: { type: 'string', minLength: 1, maxLength: 64 }, channel: text, user: text, event: text, text: { type: 'string', maxLength: 40_000 },
    flows: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 253 } } },
};

/**
 * The admin API: what is loaded, how a message would route, what waits for approval, what was
 * handled lately, and a reload. Every request needs the admin bearer token.
 */
export function adminRoutes(options: AdminRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      if (!hasAdminToken(request.headers.authorization, options.token)) {
        await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'missing or invalid admin bearer token' });
      }
    });

    app.get('/flows', async () => ({ flows: options.snapshot().config.flows.map(flowView) }));

    app.get('/agents', async () => ({ agents: options.snapshot().config.agents.map(agentView) }));

    app.post<{ Body: RouteProbe }>('/route', { schema: { body: routeBody } }, async (request) => {
      const decision = options.snapshot().router.routeBest(probeMessage(request.body), { explain: true });
      return decisionJson(decision);
    });

    app.get('/approvals', async () => ({ approvals: await approvalViews(options.store()) }));

    app.get<{ Querystring: { limit?: number } }>('/requests', {
      schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000 } } } },
    }, async (request) => ({ requests: options.recent.latest(request.query.limit ?? DEFAULT_REQUESTS) }));

    app.post('/reload', async (_request, reply) => {
      const report = await options.reload('admin api');
      return reply.code(report.ok ? 200 : 422).send({ ok: report.ok, generation: report.generation, errors: report.errors, restart_required: report.restartRequired });
    });
  };
}
