import { coreServices, definePlugin, isFirstDelivery, pluginRef } from '@aof/api';

/** Hooks the fake ran, in order; a test empties it first. */
export const journal: string[] = [];

interface FakeConfig {
  secret: string;
  path: string;
  /** The hook that throws on purpose. */
  failIn?: 'init' | 'start' | 'stop';
}

/** Every core service, so the host is checked to provide each one. */
const deps = { ...coreServices };

/**
 * The smallest platform that touches every core service: a secret-checked webhook that dedupes
 * by event id, counts refusals, logs, and submits; `text: "boom"` makes its route throw.
 */
export const plugin = definePlugin<'platform', FakeConfig, typeof deps>({
  name: 'fake',
  kind: 'platform',
  configSchema: {
    type: 'object',
    properties: { secret: { type: 'string' }, path: { type: 'string', default: '/webhooks/fake' }, failIn: { enum: ['init', 'start', 'stop'] } },
    required: ['secret'],
    additionalProperties: false,
  },
  deps,
  init({ config, deps: core }) {
    journal.push('init');
    if (config.failIn === 'init') throw new Error('fake fails in init on purpose');
    const refusals = core.metrics.counter({ name: 'fake_refusals_total', help: 'Refused webhooks.', labelNames: ['reason'] });
    core.http.register(async (app) => {
      app.post<{ Body: { id: string; text: string } }>(config.path, async (request, reply) => {
        if (request.headers['x-fake-secret'] !== config.secret) {
          refusals.inc({ reason: 'secret' });
          return reply.code(401).send({ error: 'unauthorized' });
        }
        const { id, text } = request.body;
        if (text === 'boom') throw new Error('the fake route exploded');
        if (!(await isFirstDelivery(core.store, 'fake', id))) return { duplicate: true };
        core.logger.info({ eventId: id }, 'fake event accepted');
        await core.inbound.submit({ id, platform: 'fake', channel: { id: 'C1' }, user: { id: 'U1' }, text, kind: 'message', receivedAt: Date.now() });
        return { flows: core.flows.list().length };
      });
    });
    return {
      platform: 'fake',
      send: async (reply) => ({ messageId: `sent-${reply.text.length}`, channelId: reply.channelId }),
      start() {
        journal.push('start');
        if (config.failIn === 'start') throw new Error('fake fails in start on purpose');
      },
      stop() {
        journal.push('stop');
        if (config.failIn === 'stop') throw new Error('fake fails in stop on purpose');
      },
    };
  },
});

export default plugin;

/** A platform that needs another plugin, which a one-plugin host cannot give it. */
export const needsAnotherPlugin = definePlugin<'platform', Record<string, never>, { other: ReturnType<typeof pluginRef<unknown>> }>({
  name: 'needy',
  kind: 'platform',
  deps: { other: pluginRef<unknown>('store-file') },
  init: () => ({ platform: 'needy', send: async () => ({ messageId: '1', channelId: 'C1' }) }),
});
