// A browser session on the JSON API: cookie-authenticated state changes need the page's CSRF
// token in X-CSRF-Token; Bearer requests do not.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor, unique,
} from './harness.mjs';

// name=value of the Set-Cookie header that sets `name`, or null.
function setCookie(res, name) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name) return { value: pair.slice(eq + 1), attrs: c };
  }
  return null;
}

function metaCsrf(html) {
  const m = /<meta\s+name="csrf-token"\s+content="([^"]*)"/.exec(html);
  return m ? m[1] : null;
}

describe('session cookie and CSRF on the API', () => {
  let server;
  let admin; // Bearer, to look at the departments independently of the session
  let session; // "sdelka_session=…"
  let csrf;
  before(async () => {
    server = await startServer({ demo: false });
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });

  async function departments() {
    const res = await call(server, 'GET', '/api/v1/departments', { token: admin });
    expectStatus(res, 200);
    return res.body.items.map((d) => d.name);
  }

  // GET /login, then POST the form with the pre-session CSRF cookie and field.
  async function formLogin(login, password) {
    const page = await call(server, 'GET', '/login');
    expectStatus(page, 200);
    const pre = setCookie(page, 'sdelka_precsrf');
    assert.ok(pre && pre.value, 'GET /login sets no sdelka_precsrf cookie');
    const field = /name="_csrf" value="([^"]*)"/.exec(page.text);
    assert.ok(field, 'the login form has no _csrf field');
    assert.equal(field[1], pre.value);
    const form = new URLSearchParams({ _csrf: field[1], next: '/', login, password });
    return call(server, 'POST', '/login', {
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cookie: `sdelka_precsrf=${pre.value}`,
    });
  }

  test('logging in through the form gives an HttpOnly SameSite session cookie', async () => {
    const res = await formLogin('admin', PASSWORD);
    expectStatus(res, 303);
    assert.equal(res.headers.get('location'), '/');
    const s = setCookie(res, 'sdelka_session');
    assert.ok(s && s.value, 'no session cookie');
    assert.match(s.attrs, /;\s*HttpOnly/i);
    assert.match(s.attrs, /;\s*SameSite=Lax/i);
    assert.match(s.attrs, /;\s*Path=\//);
    session = `sdelka_session=${s.value}`;

    const home = await call(server, 'GET', '/', { cookie: session });
    expectStatus(home, 200);
    csrf = metaCsrf(home.text);
    assert.ok(csrf, 'the page has no <meta name="csrf-token">');

    const me = await call(server, 'GET', '/api/v1/me', { cookie: session });
    expectStatus(me, 200);
    assert.equal(me.body.login, 'admin');
  });

  test('the login form without its CSRF cookie is refused with 403 and no session', async () => {
    const page = await call(server, 'GET', '/login');
    const field = /name="_csrf" value="([^"]*)"/.exec(page.text);
    const form = new URLSearchParams({ _csrf: field[1], next: '/', login: 'admin', password: PASSWORD });
    const res = await call(server, 'POST', '/login', {
      body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectStatus(res, 403);
    assert.equal(setCookie(res, 'sdelka_session'), null);
  });

  test('POST /api/v1/departments with the session cookie and no X-CSRF-Token is 403, nothing created', async () => {
    const name = unique('Без токена ');
    const res = await call(server, 'POST', '/api/v1/departments', { cookie: session, json: { name } });
    expectProblem(res, 403);
    assert.ok(!(await departments()).includes(name));
  });

  test('a forged X-CSRF-Token is 403 too', async () => {
    const name = unique('Чужой токен ');
    const forged = csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A');
    const res = await call(server, 'POST', '/api/v1/departments', { cookie: session, json: { name }, headers: { 'x-csrf-token': forged } });
    expectProblem(res, 403);
    assert.ok(!(await departments()).includes(name));
  });

  test('another session\'s token does not fit this session', async () => {
    const other = await formLogin('admin', PASSWORD);
    expectStatus(other, 303);
    const otherSession = `sdelka_session=${setCookie(other, 'sdelka_session').value}`;
    const otherCsrf = metaCsrf((await call(server, 'GET', '/', { cookie: otherSession })).text);
    assert.ok(otherCsrf && otherCsrf !== csrf);
    const name = unique('Токен другой сессии ');
    const res = await call(server, 'POST', '/api/v1/departments', { cookie: session, json: { name }, headers: { 'x-csrf-token': otherCsrf } });
    expectProblem(res, 403);
    assert.ok(!(await departments()).includes(name));
  });

  test('POST /api/v1/departments with the page\'s token is 201', async () => {
    const name = unique('С токеном ');
    const res = await call(server, 'POST', '/api/v1/departments', { cookie: session, json: { name }, headers: { 'x-csrf-token': csrf } });
    expectStatus(res, 201);
    assert.equal(res.body.name, name);
    assert.ok((await departments()).includes(name));
  });

  test('PATCH with the cookie needs the token as well', async () => {
    const me = (await call(server, 'GET', '/api/v1/me', { cookie: session })).body;
    const before = (await call(server, 'GET', `/api/v1/users/${me.id}`, { token: admin })).body;
    const res = await call(server, 'PATCH', `/api/v1/users/${me.id}`, { cookie: session, json: { full_name: 'Без токена' } });
    expectProblem(res, 403);
    const after = (await call(server, 'GET', `/api/v1/users/${me.id}`, { token: admin })).body;
    assert.deepEqual(after, before);
    const ok = await call(server, 'PATCH', `/api/v1/users/${me.id}`, {
      cookie: session, json: { full_name: 'С токеном' }, headers: { 'x-csrf-token': csrf },
    });
    expectStatus(ok, 200);
  });

  test('a Bearer request needs no CSRF token', async () => {
    const res = await call(server, 'POST', '/api/v1/departments', { token: admin, json: { name: unique('По токену ') } });
    expectStatus(res, 201);
  });

  test('an unknown session cookie on the API is 401, not a redirect', async () => {
    const res = await call(server, 'GET', '/api/v1/me', { cookie: 'sdelka_session=forged-session-value' });
    expectProblem(res, 401);
    assert.equal(res.headers.get('location'), null);
  });

  test('after logout the cookie no longer works on the API', async () => {
    const res = await call(server, 'POST', '/logout', {
      cookie: session, body: new URLSearchParams({ _csrf: csrf }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectStatus(res, 303);
    expectProblem(await call(server, 'GET', '/api/v1/me', { cookie: session }), 401);
    const name = unique('После выхода ');
    expectProblem(await call(server, 'POST', '/api/v1/departments', { cookie: session, json: { name }, headers: { 'x-csrf-token': csrf } }), 401);
    assert.ok(!(await departments()).includes(name));
  });
});
