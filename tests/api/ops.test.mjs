// Operations endpoints: /healthz, /metrics, /api/v1/openapi.json — and the route-coverage check
// that fails when a route in the source is missing from the OpenAPI document.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor,
} from './harness.mjs';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

// Every `X.add("METHOD", "/path"` call in src/ (r.add, router().add, app.router().add, …),
// as { method, path, file }.
function sourceRoutes() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(cpp|cc|inc|hpp)$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        const re = new RegExp(`\\.\\s*add\\(\\s*"(${METHODS.join('|')})"\\s*,\\s*"([^"]+)"`, 'g');
        for (const m of text.matchAll(re)) out.push({ method: m[1], path: m[2], file: path.relative(ROOT, p) });
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return out;
}

const isApiRoute = (p) => p.startsWith('/api/') || p === '/healthz' || p === '/metrics';

describe('operations endpoints', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ demo: false });
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('GET /metrics needs the scraper token or an administrator (issue 11)', async () => {
    expectProblem(await call(server, 'GET', '/metrics'), 401);
    const sales = await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'sales', password: PASSWORD } });
    if (sales.status === 200) expectProblem(await call(server, 'GET', '/metrics', { token: sales.body.token }), 403);
    const scraper = await startServer({ demo: false, env: { SDELKA_METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      expectStatus(await call(scraper, 'GET', '/metrics', { token: 'scrape-token-0123456789' }), 200);
      expectProblem(await call(scraper, 'GET', '/metrics', { token: 'scrape-token-wrong-000000' }), 401);
      expectProblem(await call(scraper, 'GET', '/metrics'), 401);
    } finally {
      await scraper.stop();
    }
  });

  test('GET /healthz is 200 JSON saying the database answers', async () => {
    const res = await call(server, 'GET', '/healthz');
    expectStatus(res, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(res.body, { status: 'ok', db: 'ok' });
  });

  test('GET /metrics is Prometheus text with request counters, latency histogram and DB pool', async () => {
    // Some traffic to count: a success, a client error, an unmatched path.
    expectStatus(await call(server, 'GET', '/api/v1/me', { token: admin }), 200);
    expectProblem(await call(server, 'GET', '/api/v1/me'), 401);
    expectProblem(await call(server, 'GET', '/api/v1/nothing-here'), 404);

    const res = await call(server, 'GET', '/metrics', { token: admin });
    expectStatus(res, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = res.text;
    for (const name of ['sdelka_http_requests_total', 'sdelka_http_request_duration_seconds_bucket', 'sdelka_db_pool_connections']) {
      assert.ok(text.includes(name), `metrics lack ${name}`);
    }
    assert.match(text, /^# TYPE sdelka_http_requests_total counter$/m);
    assert.match(text, /^# TYPE sdelka_http_request_duration_seconds histogram$/m);
    assert.match(text, /^# TYPE sdelka_db_pool_connections gauge$/m);

    // Exposition format: every sample line is `name{labels} value`.
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (-?[0-9.]+(e[-+]?\d+)?|NaN|[+-]Inf)$/;
    const samples = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = sample.exec(line);
      assert.ok(m, `not a Prometheus sample line: ${line}`);
      samples.push({ name: m[1], labels: m[3] || '', value: Number(m[5]) });
    }
    const find = (name, labels) => samples.find((s) => s.name === name && labels.every((l) => s.labels.includes(l)));

    const ok = find('sdelka_http_requests_total', ['route="GET /api/v1/me"', 'code="2xx"']);
    assert.ok(ok && ok.value >= 1, 'no 2xx count for GET /api/v1/me');
    const denied = find('sdelka_http_requests_total', ['route="GET /api/v1/me"', 'code="4xx"']);
    assert.ok(denied && denied.value >= 1, 'no 4xx count for GET /api/v1/me');

    // The histogram of one route: cumulative buckets ending in +Inf = _count.
    const buckets = samples.filter((s) => s.name === 'sdelka_http_request_duration_seconds_bucket' && s.labels.includes('route="GET /api/v1/me"'));
    assert.ok(buckets.length >= 2, 'no latency buckets for GET /api/v1/me');
    for (let i = 1; i < buckets.length; ++i) assert.ok(buckets[i].value >= buckets[i - 1].value, 'buckets are not cumulative');
    assert.ok(buckets[buckets.length - 1].labels.includes('le="+Inf"'), 'the last bucket is not +Inf');
    const count = find('sdelka_http_request_duration_seconds_count', ['route="GET /api/v1/me"']);
    assert.ok(count, 'no _count for GET /api/v1/me');
    assert.equal(buckets[buckets.length - 1].value, count.value);
    assert.ok(find('sdelka_http_request_duration_seconds_sum', ['route="GET /api/v1/me"']));

    for (const state of ['open', 'in_use', 'max']) {
      const g = find('sdelka_db_pool_connections', [`state="${state}"`]);
      assert.ok(g, `no sdelka_db_pool_connections{state="${state}"}`);
      assert.ok(g.value >= 0);
    }
    assert.ok(find('sdelka_db_pool_connections', ['state="max"']).value >= 1);
  });

  test('GET /api/v1/openapi.json is an OpenAPI 3.1 document, the one in docs/api', async () => {
    const res = await call(server, 'GET', '/api/v1/openapi.json');
    expectStatus(res, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.ok(res.body, 'not valid JSON');
    assert.match(res.body.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof res.body.info.title, 'string');
    assert.equal(typeof res.body.info.version, 'string');
    assert.equal(typeof res.body.paths, 'object');
    const file = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'api', 'openapi.json'), 'utf8'));
    assert.deepEqual(res.body, file, 'the served document differs from docs/api/openapi.json');
  });

  test('every $ref in the OpenAPI document resolves', async () => {
    const doc = (await call(server, 'GET', '/api/v1/openapi.json')).body;
    const broken = [];
    const visit = (node) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        if (typeof node.$ref === 'string') {
          let target = doc;
          for (const part of node.$ref.replace(/^#\//, '').split('/')) target = target?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
          if (!node.$ref.startsWith('#/') || target === undefined) broken.push(node.$ref);
        }
        Object.values(node).forEach(visit);
      }
    };
    visit(doc);
    assert.deepEqual(broken, []);
  });

  test('route coverage: every API route in src/ is in the OpenAPI paths', async () => {
    const routes = sourceRoutes();
    // The parser itself works: it sees routes every build has.
    for (const known of ['GET /healthz', 'GET /metrics', 'POST /api/v1/auth/token', 'GET /api/v1/me', 'GET /api/v1/audit', 'GET /login']) {
      assert.ok(routes.some((r) => `${r.method} ${r.path}` === known), `route parser misses ${known}`);
    }
    const api = routes.filter((r) => isApiRoute(r.path));
    assert.ok(api.length >= 10, `only ${api.length} API routes found in src/`);
    const doc = (await call(server, 'GET', '/api/v1/openapi.json')).body;
    const missing = api
      .filter((r) => !doc.paths[r.path]?.[(r.method === 'HEAD' ? 'get' : r.method.toLowerCase())])
      .map((r) => `${r.method} ${r.path} (${r.file})`);
    assert.deepEqual(missing, [], `routes missing from the OpenAPI document:\n  ${missing.join('\n  ')}`);
  });

  test('every operation in the OpenAPI document is a route in src/', async () => {
    const routes = new Set(sourceRoutes().map((r) => `${r.method} ${r.path}`));
    const doc = (await call(server, 'GET', '/api/v1/openapi.json')).body;
    const extra = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const m of Object.keys(item)) {
        if (!METHODS.includes(m.toUpperCase())) continue;
        if (!routes.has(`${m.toUpperCase()} ${p}`)) extra.push(`${m.toUpperCase()} ${p}`);
      }
    }
    assert.deepEqual(extra, [], 'documented operations the server does not have');
  });

  test('every documented operation answers on the live server (not 404 for the path, not 405)', async () => {
    const doc = (await call(server, 'GET', '/api/v1/openapi.json')).body;
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const m of Object.keys(item)) {
        if (!METHODS.includes(m.toUpperCase())) continue;
        const url = p.replace(/\{[^}]+\}/g, '1');
        const res = await call(server, m.toUpperCase(), url, {
          token: admin, headers: { 'content-type': 'application/json' }, body: m === 'get' || m === 'delete' ? undefined : '{}',
        });
        assert.notEqual(res.status, 405, `${m.toUpperCase()} ${p}: 405`);
        if (res.status === 404) {
          // A 404 is fine only when it is about the record id, not about an unknown route.
          assert.ok(/\{[^}]+\}/.test(p), `${m.toUpperCase()} ${p}: 404 for a route without an id`);
        }
        if (m === 'delete' && p === '/api/v1/auth/token') admin = await tokenFor(server, 'admin');
      }
    }
  });
});
