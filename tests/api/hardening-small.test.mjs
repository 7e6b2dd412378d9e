// Issue 11, defect 7 (and the client address of defect 5): UTF-8 in forms, CSV formula injection,
// password changes, the login limiter under parallel guesses, the duplicate scan through hidden
// records, array sizes, a bad mapping key, uploaded files removed, Secure flash cookies, and the
// client's address behind a trusted proxy.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  PASSWORD, startServer, call, publicFormPost, expectStatus, expectProblem, tokenFor, createUser, unique, validInn10, runImport, uploadImport,
} from './harness.mjs';

const form = (o) => ({ body: new URLSearchParams(o).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('smaller hardening', () => {
  let server;
  let admin;
  const tok = {};
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    for (const r of ['sales', 'credit']) tok[r] = await tokenFor(server, r);
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a form field that is not UTF-8 is 400 naming it; nothing is stored and lists stay valid JSON', async () => {
    const res = await call(server, 'POST', '/companies', {
      token: admin, body: 'name=%FF%FE%C3%28&inn=', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 400, res.text.slice(0, 300));
    const q = await call(server, 'GET', '/api/v1/companies?q=%FF', { token: admin });
    assert.equal(q.status, 400);
    const list = await call(server, 'GET', '/api/v1/companies?limit=100', { token: admin });
    expectStatus(list, 200);
    assert.ok(list.body, 'the list is not valid JSON');
    const xlsx = await call(server, 'GET', '/api/v1/companies/export?format=xlsx', { token: admin });
    expectStatus(xlsx, 200);
  });

  test('a body that is not JSON or a file is checked for UTF-8 whatever its content type says', async () => {
    for (const ct of ['text/plain', 'APPLICATION/X-WWW-FORM-URLENCODED']) {
      const res = await call(server, 'POST', '/companies', { token: admin, body: 'name=%FF%FE', headers: { 'content-type': ct } });
      assert.equal(res.status, 400, `${ct}: ${res.status}`);
    }
  });

  test('guessing the current password in a password change is limited like a login', async () => {
    const login = unique('cp');
    const user = await createUser(server, admin, { login, roles: ['operator'] });
    const t = await tokenFor(server, login);
    const statuses = [];
    for (let i = 0; i < 7; ++i) {
      const r = await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: t, json: { password: 'a new password 123', current_password: `guess ${i}` } });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses.slice(0, 5), [422, 422, 422, 422, 422], statuses.join(','));
    assert.equal(statuses[6], 429, statuses.join(','));
  });

  test('CSV export escapes cells a spreadsheet would run as formulas, but not phone numbers', async () => {
    const name = `=HYPERLINK("http://evil.example","Ромашка ${unique('f')}")`;
    const c = await call(server, 'POST', '/api/v1/companies', {
      token: admin, json: { name, phones: ['+7 495 765-43-21'], note: '@SUM(1+1)', confirm_duplicate: true },
    });
    expectStatus(c, 201);
    const csv = await call(server, 'GET', `/api/v1/companies/export?format=csv&q=${encodeURIComponent('Ромашка')}`, { token: admin });
    expectStatus(csv, 200);
    const line = csv.text.split('\r\n').find((l) => l.includes('HYPERLINK'));
    assert.ok(line, csv.text.slice(0, 500));
    assert.ok(line.includes(`"'=HYPERLINK(`), line);
    assert.ok(!/(^|;)=HYPERLINK/.test(line), line);
    assert.ok(/(^|;)\+79957654321|(^|;)\+74957654321/.test(line), `the phone was altered: ${line}`);
  });

  test('changing one\'s own password needs the current one and ends the other sessions and tokens', async () => {
    const login = unique('pw');
    const user = await createUser(server, admin, { login, roles: ['sales_manager'] });
    const t1 = await tokenFor(server, login);
    const t2 = await tokenFor(server, login);
    const newPw = 'another long password 42';
    expectProblem(await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: t1, json: { password: newPw } }), 422, ['current_password']);
    expectProblem(await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: t1, json: { password: newPw, current_password: 'wrong one 123' } }), 422, ['current_password']);
    expectStatus(await call(server, 'GET', '/api/v1/me', { token: t2 }), 200);
    const ok = await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: t1, json: { password: newPw, current_password: PASSWORD } });
    expectStatus(ok, 200);
    expectStatus(await call(server, 'GET', '/api/v1/me', { token: t1 }), 200); // the one in use stays
    expectProblem(await call(server, 'GET', '/api/v1/me', { token: t2 }), 401); // the other is gone
    await tokenFor(server, login, newPw);
    // An administrator resets someone else's password without theirs.
    expectStatus(await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: admin, json: { password: 'reset by admin 12345' } }), 200);
    expectProblem(await call(server, 'GET', '/api/v1/me', { token: t1 }), 401);
  });

  test('parallel wrong guesses for one login cannot pass the limit (5 in the window)', async () => {
    const login = unique('guess');
    await createUser(server, admin, { login, roles: ['operator'] });
    const tries = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      call(server, 'POST', '/api/v1/auth/token', { json: { login, password: `wrong guess ${i}` } })));
    const wrong = tries.filter((r) => r.status === 401).length;
    const limited = tries.filter((r) => r.status === 429).length;
    assert.ok(wrong <= 5, `${wrong} guesses were checked`);
    assert.equal(wrong + limited, 16, tries.map((r) => r.status).join(','));
    const after = await call(server, 'POST', '/api/v1/auth/token', { json: { login, password: PASSWORD } });
    assert.equal(after.status, 429);
    assert.ok(Number(after.headers.get('retry-after')) > 0);
  });

  test('the duplicate scan does not join two records through one the user may not see', async () => {
    const tag = unique('scan');
    const mk = async (token, json) => {
      const r = await call(server, 'POST', '/api/v1/companies', { token, json: { ...json, confirm_duplicate: true } });
      expectStatus(r, 201);
      return r.body;
    };
    const a = await mk(tok.sales, { name: `Скан Альфа ${tag}`, phones: ['+7 495 811-11-11'] });
    await mk(tok.credit, { name: `Скан Скрытая ${tag}`, phones: ['+7 495 811-11-11'], emails: [`${tag}@example.ru`] });
    const b = await mk(tok.sales, { name: `Скан Бета ${tag}`, emails: [`${tag}@example.ru`] });
    const scan = await call(server, 'GET', '/api/v1/companies/duplicates', { token: tok.sales });
    expectStatus(scan, 200);
    const groups = scan.body.items || scan.body.groups || scan.body;
    const joined = groups.filter((g) => g.ids.includes(a.id) && g.ids.includes(b.id));
    assert.deepEqual(joined, [], JSON.stringify(joined));
    assert.doesNotMatch(scan.text, /Скрытая/);
  });

  test('a long Cyrillic login or file name is cut without breaking a character (no 500)', async () => {
    // The login form takes any length (the API caps logins at 64 bytes); the audit keeps 64 bytes
    // of a failed login, which here fall inside a letter.
    const login = `a${'Ж'.repeat(40)}`;
    const res = await publicFormPost(server, '/login', { login, password: 'x', next: '/' });
    assert.equal(res.status, 401, res.text.slice(0, 300));
    const name = `${'Отчёт'.repeat(30)}ы.csv`;
    const up = await uploadImport(server, admin, name, Buffer.from('Название\nООО "Имя файла"\n', 'utf8'));
    expectStatus(up, 201);
    assert.ok(up.body.file_name.length > 0);
  });

  test('arrays in bodies have a size limit, named', async () => {
    const phones = Array.from({ length: 21 }, (_, i) => `+7 495 700-00-${String(i).padStart(2, '0')}`);
    expectProblem(await call(server, 'POST', '/api/v1/companies', { token: admin, json: { name: 'Много телефонов', phones } }), 422, ['phones']);
    const emails = Array.from({ length: 21 }, (_, i) => `m${i}@example.ru`);
    expectProblem(await call(server, 'POST', '/api/v1/persons', { token: admin, json: { name: 'Много Почт', emails } }), 422, ['emails']);
    // Any list member of any JSON body, in every context: at most 200 items.
    const roles = Array.from({ length: 201 }, () => 'operator');
    const r = expectProblem(await call(server, 'POST', '/api/v1/users', { token: admin, json: { login: unique('many'), password: PASSWORD, roles } }), 422, ['roles']);
    assert.equal(r.errors.find((e) => e.name === 'roles').code, 'too_many');
  });

  test('a malformed map_ key on the import form is 400, not 500; the source file goes when the job ends', async () => {
    const up = await uploadImport(server, admin, 'm.csv', Buffer.from('Название\nООО "Карта"\n', 'utf8'));
    expectStatus(up, 201);
    const bad = await call(server, 'POST', `/imports/${up.body.id}/start`, { token: admin, ...form({ on_duplicate: 'skip', map_x1: 'name' }) });
    assert.equal(bad.status, 400, bad.text.slice(0, 200));
    const done = await runImport(server, admin, 'n.csv', Buffer.from('Название\nООО "Файл удалён"\n', 'utf8'), 'skip');
    assert.equal(done.status, 'done');
    const files = fs.readdirSync(path.join(server.dir, 'files'));
    assert.ok(!files.includes(`import-${done.id}.src`), files.join(', '));
  });
});

describe('behind a trusted proxy with HTTPS', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false, args: ['--behind-https', '--trusted-proxy', '127.0.0.1'] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a client cannot pick its address with an X-Forwarded-For line of its own before the proxy\'s', async () => {
    const admin = await tokenFor(server, 'admin');
    // What a proxy that adds its own header line passes on: the client's forged line first, the
    // proxy's line (the client's real address) last. Sent raw, so that the two lines stay two.
    const body = JSON.stringify({ login: 'nobody-else', password: 'x' });
    const { port } = new URL(server.base);
    const status = await new Promise((resolve, reject) => {
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        sock.write(`POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `X-Forwarded-For: 10.9.9.9\r\nX-Forwarded-For: 203.0.113.8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`);
      });
      let text = '';
      sock.on('data', (d) => { text += d; });
      sock.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
      sock.on('error', reject);
    });
    assert.equal(status, 401);
    const audit = await call(server, 'GET', '/api/v1/audit?limit=5', { token: admin });
    assert.equal(audit.body.items.find((e) => e.action === 'login_failed').changes.ip, '203.0.113.8');
  });

  test('the client address comes from X-Forwarded-For (audit), flash cookies are Secure', async () => {
    const admin = await tokenFor(server, 'admin');
    const bad = await call(server, 'POST', '/api/v1/auth/token', {
      json: { login: 'nobody-here', password: 'x' }, headers: { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' },
    });
    assert.equal(bad.status, 401);
    const audit = await call(server, 'GET', '/api/v1/audit?limit=5', { token: admin });
    const failed = audit.body.items.find((e) => e.action === 'login_failed');
    assert.equal(failed.changes.ip, '203.0.113.7');
    const logout = await call(server, 'POST', '/logout', { token: admin, ...form({}) });
    const flash = logout.headers.getSetCookie().find((c) => c.startsWith('sdelka_flash='));
    assert.ok(flash && /; Secure/.test(flash), String(flash));
  });
});

describe('without trusted proxies', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a client cannot choose its address by sending X-Forwarded-For', async () => {
    const admin = await tokenFor(server, 'admin');
    await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'nobody-here', password: 'x' }, headers: { 'x-forwarded-for': '198.51.100.9' } });
    const audit = await call(server, 'GET', '/api/v1/audit?limit=5', { token: admin });
    assert.equal(audit.body.items.find((e) => e.action === 'login_failed').changes.ip, '127.0.0.1');
  });
});
