import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { checkToolCall } from '../../sandbox/policy.js';
import { builtinModules, makeTask, type BuiltinModules } from '../sandbox/task-fixtures.js';

const host = createNodeHost();
let modules: BuiltinModules;

before(async () => {
  modules = await builtinModules();
});

function decide(tool: string, args: Record<string, unknown>, toolConfig: Record<string, Record<string, unknown>>) {
  return checkToolCall({ tool, args, allowedTools: [tool], toolConfig });
}

describe('shell allowlist', () => {
  const config = { shell: { allowed_binaries: ['node', 'kubectl'] }, kubectl: { allowed_commands: ['get'] } };

  test('only listed binaries, matched exactly; empty or missing allows nothing', () => {
    assert.deepEqual(decide('shell', { argv: ['node', '--version'] }, config), { allowed: true });
    assert.deepEqual(decide('shell', { argv: ['rm', '-rf', '/'] }, config),
      { allowed: false, reason: 'binary "rm" is not allowed; allowed binaries: node, kubectl' });
    assert.equal(decide('shell', { argv: ['/tmp/node'] }, config).allowed, false);
    assert.equal(decide('shell', { argv: ['node'] }, { shell: { allowed_binaries: [] } }).allowed, false);
    assert.equal(decide('shell', { argv: ['node'] }, {}).allowed, false);
    assert.equal(decide('shell', { argv: [] }, config).allowed, false);
  });

  test('kubectl through the shell still gets the kubectl policy', () => {
    assert.deepEqual(decide('shell', { argv: ['kubectl', 'get', 'pods'] }, config), { allowed: true });
    assert.equal(decide('shell', { argv: ['kubectl', 'delete', 'pod', 'x'] }, config).allowed, false);
    assert.equal(decide('shell', { argv: ['kubectl', 'get', 'pods', '--context=prod'] }, config).allowed, false);
  });

  test('the shell tool runs an allowed binary and refuses others itself too', async () => {
    const ok = await runTask(makeTask(modules, {
      message: { text: `shell node -e "console.log('hi from node')"` },
      agent: { tools: ['shell'], toolConfig: { shell: { allowed_binaries: ['node'] } } },
    }), host);
    assert.equal(ok.reply, 'hi from node');
    const refused = await runTask(makeTask(modules, {
      message: { text: 'shell kubectl get pods' },
      agent: { tools: ['shell'], toolConfig: { shell: { allowed_binaries: ['node'] } } },
    }), host);
    assert.match(refused.reply, /^Refused by policy: binary "kubectl" is not allowed/);
  });
});

describe('http allowlist', () => {
  let server: http.Server;
  let origin: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://evil.example/' }).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.writeHead(200).end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`.trimEnd()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('hosts match by name, host:port or *.domain; other hosts and schemes are refused', () => {
    const config = { http: { allowed_hosts: ['api.example.com', 'localhost:8080', '*.internal.example'] } };
    const allowed = ['https://api.example.com/x', 'http://api.example.com:9000/', 'http://localhost:8080/', 'https://a.internal.example/'];
    for (const url of allowed) assert.deepEqual(decide('http', { url }, config), { allowed: true }, url);
    const refused = ['https://evil.example/', 'http://localhost:9090/', 'https://internal.example/', 'file:///etc/passwd', 'not a url'];
    for (const url of refused) assert.equal(decide('http', { url }, config).allowed, false, url);
    assert.equal(decide('http', { url: 'https://api.example.com/' }, {}).allowed, false);
  });

  function httpTask(text: string) {
    return makeTask(modules, { message: { text }, agent: { tools: ['http'], toolConfig: { http: { allowed_hosts: ['127.0.0.1'] } } } });
  }

  test('GET and POST to an allowed host return status and body', async () => {
    assert.equal((await runTask(httpTask(`http GET ${origin}/status`), host)).reply, 'HTTP 200 OK\nGET /status');
    assert.equal((await runTask(httpTask(`http POST ${origin}/echo hello there`), host)).reply, 'HTTP 200 OK\nPOST /echo hello there');
  });

  test('a disallowed host is refused before any request; redirects are not followed', async () => {
    const refused = await runTask(httpTask('http GET http://localhost:1/'), host);
    assert.match(refused.reply, /^Refused by policy: host "localhost:1" is not allowed; allowed hosts: 127.0.0.1/);
    const redirect = await runTask(httpTask(`http ${origin}/redirect`), host);
    assert.equal(redirect.reply, 'HTTP 302 Found\nlocation: http://evil.example/ (not followed)');
  });

  test('the body is capped with a marker', async () => {
    const result = await runTask(makeTask(modules, {
      message: { text: `http POST ${origin}/x ${'y'.repeat(200)}` },
      agent: { tools: ['http'], toolConfig: { http: { allowed_hosts: ['127.0.0.1'] } } },
      maxOutputBytes: 50,
    }), host);
    const body = `POST /x ${'y'.repeat(200)}`;
    assert.equal(result.reply, `HTTP 200 OK\n${body.slice(0, 50)}…[truncated ${body.length - 50} bytes]`);
  });
});
