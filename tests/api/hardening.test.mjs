// Issue 11, defect 1: the redirect after login (`next`) and after a language switch (`back`) is
// a same-origin path or "/", and no response header carries CR/LF from input.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PASSWORD, startServer, call, expectStatus, publicFormPost } from './harness.mjs';

const formLogin = (server, next, password = PASSWORD) => publicFormPost(server, '/login', { next, login: 'admin', password });

describe('login and language redirects stay on this site', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false });
  });
  after(async () => {
    if (server) await server.stop();
  });

  const hostile = [
    '/x\r\nSet-Cookie: evil=1',
    '/x\nSet-Cookie: evil=1',
    '/\t/evil.example',
    '//evil.example',
    '/\\evil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    '/%252F/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '/x%0d%0aSet-Cookie:%20evil=1',
    '/ok\u0000',
  ];

  test('a hostile `next` after login sends the user to / and sets no injected header', async () => {
    for (const next of hostile) {
      const res = await formLogin(server, next);
      assert.equal(res.status, 303, `next=${JSON.stringify(next)}: ${res.status}`);
      assert.equal(res.headers.get('location'), '/', `next=${JSON.stringify(next)}`);
      for (const c of res.headers.getSetCookie()) assert.doesNotMatch(c, /evil/, `next=${JSON.stringify(next)}`);
    }
  });

  test('a same-site `next` is kept, with its query', async () => {
    const res = await formLogin(server, '/companies?q=%D0%A0%D0%BE%D0%BC');
    expectStatus(res, 303);
    assert.equal(res.headers.get('location'), '/companies?q=%D0%A0%D0%BE%D0%BC');
  });

  test('GET /login?next= renders only a safe next into the form', async () => {
    const res = await call(server, 'GET', `/login?next=${encodeURIComponent('/\t/evil.example')}`);
    expectStatus(res, 200);
    assert.match(res.text, /name="next" value="(\/|&#x2F;)"/);
  });

  test('a hostile `back` on POST /lang goes to /', async () => {
    for (const back of hostile) {
      const res = await publicFormPost(server, '/lang', { lang: 'en', back });
      assert.equal(res.status, 303, `back=${JSON.stringify(back)}`);
      assert.equal(res.headers.get('location'), '/', `back=${JSON.stringify(back)}`);
      for (const c of res.headers.getSetCookie()) assert.doesNotMatch(c, /evil/);
    }
  });
});

// Issue 11, defect 4: a domain error thrown inside the import worker (the starter lost the right
// to create companies between upload and start) fails the job with a reason; the server lives on.
describe('a background import whose starter lost the right fails the job, not the server', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('job failed with a reason, server healthy, a later import still runs', async () => {
    const { tokenFor, createUser, uploadImport, waitImport, runImport, unique } = await import('./harness.mjs');
    const admin = await tokenFor(server, 'admin');
    const login = unique('importer');
    const user = await createUser(server, admin, { login, roles: ['sales_manager'] });
    const token = await tokenFor(server, login);
    const csv = Buffer.from('Название;ИНН\nООО "Ромашка-Импорт";\n', 'utf8');
    const up = await uploadImport(server, token, 'a.csv', csv);
    expectStatus(up, 201);
    const demote = await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: admin, json: { roles: ['risk_officer'] } });
    expectStatus(demote, 200);
    expectStatus(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token, json: { on_duplicate: 'skip' } }), 202);
    const job = await waitImport(server, token, up.body.id);
    assert.equal(job.status, 'failed');
    assert.match(job.error, /прав|Недостаточно|запрещ/i, job.error);
    expectStatus(await call(server, 'GET', '/healthz'), 200);
    assert.equal(server.exited(), null, 'the server process ended');
    // The worker goes on with the next job.
    const done = await runImport(server, admin, 'b.csv', Buffer.from('Название\nООО "После сбоя"\n', 'utf8'), 'skip');
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.imported, 1);
  });
});

// Issue 11, defect 2: no body larger than the limit (1 MiB) is read into memory, on any route and
// before any login; large files arrive in chunks; a full worker queue sheds load with 503.
function peakRss(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

describe('body limits apply while reading', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('three concurrent 64 MB bodies to POST /login do not grow the server past 100 MB', async () => {
    const big = Buffer.alloc(64 << 20, 'a');
    const attempts = [0, 1, 2].map(() => fetch(`${server.base}/login`, {
      method: 'POST', body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }).then((r) => r.status, () => 'closed'));
    const answers = await Promise.all(attempts);
    for (const a of answers) assert.ok(a === 413 || a === 'closed', `answer ${a}`);
    const rss = peakRss(server.pid);
    assert.ok(rss < 100 * 1024 * 1024, `peak RSS ${Math.round(rss / 1048576)} MB`);
    expectStatus(await call(server, 'GET', '/healthz'), 200);
  });

  test('a body over a route limit below the cap gets 413 problem+json', async () => {
    const res = await call(server, 'POST', '/login', {
      body: 'login=' + 'a'.repeat(20000), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 413);
  });

  test('a 2.6 MB import arrives in chunks of 1 MiB, retries are harmless, a wrong offset is refused', async () => {
    const { tokenFor, waitImport } = await import('./harness.mjs');
    const admin = await tokenFor(server, 'admin');
    // About 2.6 MB in 10,000 rows: three chunks, few enough rows to import quickly on PostgreSQL.
    const note = 'Комментарий к загрузке частями. '.repeat(4);
    const lines = ['Название;Регион;Примечание'];
    let n = 0;
    while (n < 10000) lines.push(`ООО "Чанк ${++n}";Москва;${note}`);
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    assert.ok(bytes.length > 2 * (1 << 20) && bytes.length < 3 * (1 << 20), `${bytes.length} bytes`);
    const CH = 1 << 20;
    const one = await call(server, 'POST', `/api/v1/imports?file_name=big.csv`, {
      token: admin, body: bytes, headers: { 'content-type': 'application/octet-stream' },
    }).catch(() => ({ status: 'closed' }));
    assert.ok(one.status === 413 || one.status === 'closed', `a 3 MB body in one request: ${one.status}`);
    const first = await call(server, 'POST', `/api/v1/imports?file_name=big.csv&size=${bytes.length}`, {
      token: admin, body: bytes.subarray(0, CH), headers: { 'content-type': 'application/octet-stream' },
    });
    expectStatus(first, 201);
    assert.equal(first.body.status, 'uploading');
    const id = first.body.id;
    const put = (off, end) => call(server, 'PUT', `/api/v1/imports/${id}/content?offset=${off}`, {
      token: admin, body: bytes.subarray(off, end), headers: { 'content-type': 'application/octet-stream' },
    });
    expectStatus(await put(CH, 2 * CH), 200);
    expectStatus(await put(CH, 2 * CH), 200); // the same chunk again: a retry
    const wrong = await put(3 * CH, 3 * CH + 10); // skips a chunk
    assert.equal(wrong.status, 409);
    let last;
    for (let off = 2 * CH; off < bytes.length; off += CH) {
      last = await put(off, Math.min(off + CH, bytes.length));
      expectStatus(last, 200);
    }
    assert.equal(last.body.status, 'uploaded');
    expectStatus(await call(server, 'POST', `/api/v1/imports/${id}/start`, { token: admin, json: { on_duplicate: 'create' } }), 202);
    const job = await waitImport(server, admin, id, 120000);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.imported, n);
  });
});

describe('a full worker queue sheds load', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false, args: ['--workers', '1', '--max-queue', '2'] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('past --max-queue waiting requests, the rest get 503 with Retry-After, and the server recovers', async () => {
    // Each token request hashes a password (tens of ms) on the one worker.
    const many = Array.from({ length: 24 }, () => call(server, 'POST', '/api/v1/auth/token', { json: { login: 'admin', password: 'wrong password' } }));
    const res = await Promise.all(many);
    const shed = res.filter((r) => r.status === 503);
    assert.ok(shed.length > 0, `statuses: ${res.map((r) => r.status).join(',')}`);
    for (const r of shed) assert.equal(r.headers.get('retry-after'), '1');
    assert.ok(res.some((r) => r.status === 401));
    expectStatus(await call(server, 'GET', '/healthz'), 200);
  });
});
