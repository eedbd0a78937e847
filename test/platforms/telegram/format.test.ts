import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlToPlainText, markdownToTelegramHtml, splitTelegramHtml, TELEGRAM_MESSAGE_LIMIT } from '@aof/plugin-telegram';

describe('Markdown -> Telegram HTML', () => {
  it('escapes &, < and > everywhere, code included', () => {
    assert.equal(markdownToTelegramHtml('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
    assert.equal(markdownToTelegramHtml('run `ls <dir> && echo`'), 'run <code>ls &lt;dir&gt; &amp;&amp; echo</code>');
  });

  it('turns fenced blocks into <pre><code>, with the language as a class, and closes an unclosed block', () => {
    assert.equal(markdownToTelegramHtml('Pods:\n```bash\nkubectl get pods -n <ns>\n```\ndone'),
      'Pods:\n<pre><code class="language-bash">kubectl get pods -n &lt;ns&gt;</code></pre>\ndone');
    assert.equal(markdownToTelegramHtml('```\n**not bold**\n'), '<pre><code>**not bold**\n</code></pre>');
  });

  it('translates headings, bullets, bold, italics, strikethrough and links', () => {
    assert.equal(markdownToTelegramHtml('## Status'), '<b>Status</b>');
    assert.equal(markdownToTelegramHtml('- one\n* two'), '• one\n• two');
    assert.equal(markdownToTelegramHtml('**bold** and *it* and ~~gone~~'), '<b>bold</b> and <i>it</i> and <s>gone</s>');
    assert.equal(markdownToTelegramHtml('see [the runbook](https://wiki/x?a=1&b="2")'), 'see <a href="https://wiki/x?a=1&amp;b=&quot;2&quot;">the runbook</a>');
    assert.equal(markdownToTelegramHtml('**see [docs](https://d/*x*)**'), '<b>see <a href="https://d/*x*">docs</a></b>');
  });

  it('leaves links with other schemes, snake_case and lone stars as text', () => {
    assert.equal(markdownToTelegramHtml('[click](javascript:alert(1))'), '[click](javascript:alert(1))');
    // tg://user?id= is an inline mention that pings; tg://join and tg://login lead elsewhere in Telegram.
    assert.equal(markdownToTelegramHtml('[please look](tg://user?id=123456789) [join](tg://join?invite=x)'), '[please look](tg://user?id=123456789) [join](tg://join?invite=x)');
    assert.equal(markdownToTelegramHtml('my_var_name 2 * 3 * 4'), 'my_var_name 2 * 3 * 4');
  });

  it('shows the real address beside a label that reads as another, and keeps @usernames from pinging', () => {
    assert.equal(markdownToTelegramHtml('[https://grafana.corp.example/d/1](https://evil.example/login)'),
      'https://grafana.corp.example/d/1 (<a href="https://evil.example/login">https://evil.example/login</a>)');
    assert.equal(markdownToTelegramHtml('ask @admin_username or (@oncall_team), mail sre@example.com, `@in_code_span`'),
      'ask @\u2060admin_username or (@\u2060oncall_team), mail sre@example.com, <code>@in_code_span</code>');
  });

  it('undoes tags and entities for the plain-text fallback', () => {
    assert.equal(htmlToPlainText('<b>a &lt;b&gt;</b> &amp;&quot;'), 'a <b> &"');
  });
});

/** True when every tag opened in `html` is closed in order (what Telegram's parser insists on). */
function balanced(html: string): boolean {
  const open: string[] = [];
  for (const [, slash, name] of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (slash === '') open.push(name ?? '');
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

describe('splitting Telegram HTML', () => {
  it('keeps a short message whole', () => {
    assert.deepEqual(splitTelegramHtml('<b>hi</b>\nthere'), ['<b>hi</b>\nthere']);
    assert.equal(TELEGRAM_MESSAGE_LIMIT, 4096);
  });

  it('cuts at line breaks and closes and reopens a code block across messages', () => {
    const lines = Array.from({ length: 40 }, (_unused, index) => `line ${String(index).padStart(2, '0')} &amp; more`);
    const html = `intro\n<pre><code class="language-txt">${lines.join('\n')}</code></pre>\nbye`;
    const chunks = splitTelegramHtml(html, 200);
    assert.ok(chunks.length > 3);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= 200, `${chunk.length} characters`);
      assert.ok(balanced(chunk), chunk);
    }
    assert.ok(chunks.slice(1, -1).every((chunk) => chunk.startsWith('<pre><code class="language-txt">') && chunk.endsWith('</code></pre>')));
    const numbers = chunks.flatMap((chunk) => [...chunk.matchAll(/line (\d\d) /g)].map((match) => Number(match[1])));
    assert.deepEqual(numbers, lines.map((_line, index) => index));
  });

  it('cuts one long formatted line between words without breaking a tag, an entity or an emoji', () => {
    const html = `<b>${'word &amp; 👍 '.repeat(60)}</b><a href="https://x/y">${'link '.repeat(40)}</a>`;
    const chunks = splitTelegramHtml(html, 120);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= 120);
      assert.ok(balanced(chunk), chunk);
      assert.doesNotMatch(chunk, /&(?!amp;)|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
    const visible = (text: string): string => htmlToPlainText(text).replace(/\s+/g, '');
    assert.equal(chunks.map(visible).join(''), visible(html));
  });

  it('drops chunks that would hold nothing but tags', () => {
    assert.deepEqual(splitTelegramHtml('<pre><code></code></pre>'), []);
  });
});

describe('formatting hostile answers', () => {
  it('stays linear on lines built to make regular expressions backtrack', () => {
    const started = Date.now();
    for (const line of ['['.repeat(100_000), `# ${' '.repeat(100_000)}x`, `**${'a '.repeat(50_000)}`, '*'.repeat(100_000), `[${'a'.repeat(100_000)}`]) {
      splitTelegramHtml(markdownToTelegramHtml(line));
    }
    // Quadratic time on these lines would take minutes; the bound only catches that, not slowness.
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
  });
});
