// Starts the real `sdelka` server for one test file and talks to it over HTTP with fetch.
//
// The backend comes from the environment (tests/api/run.sh sets it):
//   SDELKA_TEST_DB=sqlite    (default) a fresh SQLite file in a temp directory per server
//   SDELKA_TEST_DB=postgres  a fresh database per server in the cluster at SDELKA_TEST_PG_URL
//                            (the URL `scripts/pg-test-server.sh url DIR` prints)
// SDELKA_BUILD_DIR names the build directory that holds the `sdelka` binary (default: build).
import { spawn, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD_DIR = path.resolve(ROOT, process.env.SDELKA_BUILD_DIR || 'build');
export const BINARY = path.join(BUILD_DIR, 'sdelka');
export const BACKEND = process.env.SDELKA_TEST_DB || 'sqlite';
const PGBIN = process.env.PGBIN || '/usr/lib/postgresql/15/bin';

// The administrator's password; the demo users (operator, sales, client, credit, risk, security,
// head) get the same one on first start.
export const PASSWORD = 'correct horse battery staple';

// Demo users by login, with the role and department the server gives them.
export const DEMO = {
  admin: { role: 'admin', department: null },
  operator: { role: 'operator', department: 'Контакт-центр' },
  sales: { role: 'sales_manager', department: 'Продажи' },
  client: { role: 'client_manager', department: 'Продажи' },
  credit: { role: 'credit_manager', department: 'Кредитный отдел' },
  risk: { role: 'risk_officer', department: 'Кредитный отдел' },
  security: { role: 'security_officer', department: 'Служба безопасности' },
  head: { role: 'head', department: 'Продажи' },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// Servers of this process that are still running, so that an interrupt (run.sh sends SIGTERM to
// the whole test run) leaves no server and no temp directory behind.
const live = new Map(); // child process → temp directory
for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
  process.once(sig, () => {
    for (const [child, dir] of live) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
    process.exit(code);
  });
}

// A database URL for a new, empty database on the chosen backend.
function freshDatabase(dir) {
  if (BACKEND === 'sqlite') return `sqlite:${path.join(dir, 'sdelka.db')}`;
  if (BACKEND !== 'postgres') throw new Error(`SDELKA_TEST_DB must be sqlite or postgres, got ${BACKEND}`);
  const base = process.env.SDELKA_TEST_PG_URL;
  if (!base) throw new Error('SDELKA_TEST_DB=postgres needs SDELKA_TEST_PG_URL (scripts/pg-test-server.sh url DIR)');
  const m = /^(postgres(?:ql)?:\/\/[^/?]*\/)([^?]*)(\?.*)?$/.exec(base);
  if (!m) throw new Error(`cannot parse SDELKA_TEST_PG_URL: ${base}`);
  const name = `sdelka_api_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const res = spawnSync(path.join(PGBIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', base, '-c', `CREATE DATABASE ${name}`], {
    encoding: 'utf8',
    timeout: 30000,
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`CREATE DATABASE ${name} failed:\n${res.stdout}${res.stderr}`);
  return `${m[1]}${name}${m[3] || ''}`;
}

// Starts `sdelka serve` on a fresh database and waits until /healthz answers 200.
// demo: also create the demo departments and users (the server's default on a new database).
// args: more `sdelka serve` arguments (e.g. ['--workers', '2']).
// reuse: a stopped server's {dir, db} to start again on the same data (the dir is then kept by
// the first server's stop({ keep: true })).
export async function startServer({ demo = true, args: extra = [], reuse = null, env: extraEnv = {} } = {}) {
  if (!fs.existsSync(BINARY)) throw new Error(`${BINARY} not found: build it first (SDELKA_BUILD_DIR=${BUILD_DIR})`);
  const dir = reuse ? reuse.dir : fs.mkdtempSync(path.join(os.tmpdir(), 'sdelka-api-'));
  const db = reuse ? reuse.db : freshDatabase(dir);
  const logPath = path.join(dir, 'server.log');
  for (let attempt = 0; ; ++attempt) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Demo users only: every test makes the clients it needs.
    const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--no-access-log', '--demo-clients', '0',
      '--files', path.join(dir, 'files')];
    if (!demo) args.push('--no-demo');
    args.push(...extra);
    const log = fs.openSync(logPath, 'a');
    const child = spawn(BINARY, args, {
      stdio: ['ignore', log, log],
      env: { ...process.env, SDELKA_ADMIN_PASSWORD: PASSWORD, ...extraEnv },
    });
    fs.closeSync(log);
    let exited = null;
    const exit = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        resolve(exited);
      });
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    live.set(child, dir);

    const deadline = Date.now() + 30000;
    let up = false;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`${base}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) {
          up = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    if (!up) {
      if (exited && attempt < 2 && /listen_failed/.test(tail(logPath))) {
        live.delete(child);
        process.off('exit', killOnExit);
        continue; // the port was taken meanwhile
      }
      child.kill('SIGKILL');
      await exit;
      live.delete(child);
      process.off('exit', killOnExit);
      const message = `sdelka serve did not become healthy (${JSON.stringify(exited)}) on ${db}:\n${tail(logPath)}`;
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(message);
    }

    const server = {
      base,
      db,
      dir,
      logPath,
      pid: child.pid,
      exit,
      exited: () => exited,
      log: () => fs.readFileSync(logPath, 'utf8'),
      signal: (sig) => child.kill(sig),
      // SIGTERM (or `signal`), wait for the exit (SIGKILL after 10 s), remove the temp directory
      // unless keep is set (to start again on the same data with reuse).
      async stop({ signal = 'SIGTERM', keep = false } = {}) {
        if (!exited) {
          child.kill(signal);
          const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
          await exit;
          clearTimeout(timer);
        }
        process.off('exit', killOnExit);
        live.delete(child);
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
        return exited;
      },
    };
    return server;
  }
}

// One HTTP exchange. Options: token (Bearer), json (sent as application/json), body (raw),
// headers, cookie. Resolves to { status, headers, text, body (parsed JSON or undefined), what }.
export async function call(server, method, url, { token, json, body, headers = {}, cookie } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  }
  const res = await fetch(server.base + url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed, what: `${method} ${url}` };
}

function short(text) {
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

export function expectStatus(res, status) {
  assert.equal(res.status, status, `${res.what}: expected ${status}, got ${res.status}: ${short(res.text)}`);
}

// An RFC 9457 problem with this status; `fields` must all be named in errors[].name.
export function expectProblem(res, status, fields = []) {
  expectStatus(res, status);
  const ct = res.headers.get('content-type') || '';
  assert.match(ct, /^application\/problem\+json/, `${res.what}: content-type ${ct}`);
  assert.ok(res.body && typeof res.body === 'object', `${res.what}: problem body is not JSON: ${short(res.text)}`);
  assert.equal(res.body.status, status, `${res.what}: problem.status`);
  assert.equal(typeof res.body.title, 'string', `${res.what}: problem.title`);
  assert.ok(res.body.title.length > 0, `${res.what}: empty problem.title`);
  if (fields.length) {
    assert.ok(Array.isArray(res.body.errors), `${res.what}: no errors[] in ${short(res.text)}`);
    const names = res.body.errors.map((e) => e.name);
    for (const f of fields) assert.ok(names.includes(f), `${res.what}: errors[] does not name ${f}: ${short(res.text)}`);
  }
  return res.body;
}

// A public form posted as a browser would: GET /login for the pre-session CSRF cookie, then POST
// `fields` (with _csrf) to `url` with that cookie. Resolves like call().
export async function publicFormPost(server, url, fields) {
  const page = await call(server, 'GET', '/login');
  expectStatus(page, 200);
  const m = page.headers.getSetCookie().map((c) => /^sdelka_precsrf=([^;]*)/.exec(c)).find(Boolean);
  assert.ok(m, 'GET /login sets no sdelka_precsrf cookie');
  return call(server, 'POST', url, {
    body: new URLSearchParams({ _csrf: m[1], ...fields }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    cookie: `sdelka_precsrf=${m[1]}`,
  });
}

// Logs in over the API and returns the Bearer token.
export async function tokenFor(server, login, password = PASSWORD) {
  const res = await call(server, 'POST', '/api/v1/auth/token', { json: { login, password } });
  expectStatus(res, 200);
  assert.equal(typeof res.body.token, 'string');
  return res.body.token;
}

export async function tokensFor(server, logins) {
  const out = {};
  for (const l of logins) out[l] = await tokenFor(server, l);
  return out;
}

// Creates a user as `token` (an administrator); returns the user record.
export async function createUser(server, token, { login, roles = ['operator'], department, full_name, password = PASSWORD }) {
  const json = { login, password, roles };
  if (department) json.department = department;
  if (full_name) json.full_name = full_name;
  const res = await call(server, 'POST', '/api/v1/users', { token, json });
  expectStatus(res, 201);
  return res.body;
}

// Every item of a keyset-paginated list, following `next` until it is null.
export async function listAll(server, token, url, limit = 100) {
  const items = [];
  let after = null;
  for (let i = 0; i < 1000; ++i) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await call(server, 'GET', `${url}${sep}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token });
    expectStatus(res, 200);
    items.push(...res.body.items);
    if (res.body.next === null) return items;
    after = res.body.next;
  }
  throw new Error(`${url}: pagination did not end`);
}

// The id of the newest audit record (0 when there is none); needs an audit reader's token.
export async function auditHead(server, token) {
  const res = await call(server, 'GET', '/api/v1/audit?limit=1', { token });
  expectStatus(res, 200);
  return res.body.items.length ? res.body.items[0].id : 0;
}

// Prefix for logins and names that must be unique within one server.
let seq = 0;
export function unique(prefix) {
  seq += 1;
  return `${prefix}${seq}${crypto.randomBytes(2).toString('hex')}`;
}

// Valid Russian requisites for test data, different for each n (a non-negative integer):
// ИНН of a legal entity (10 digits), of a person (12 digits) and ОГРН (13 digits), with their
// control digits computed as the tax service does.
function innDigit(digits, weights) {
  return (weights.reduce((s, w, i) => s + w * digits[i], 0) % 11) % 10;
}
export function validInn10(n) {
  const d = `77${String(n).padStart(7, '0').slice(-7)}`.split('').map(Number);
  return d.join('') + innDigit(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]);
}
export function validInn12(n) {
  const d = `50${String(n).padStart(8, '0').slice(-8)}`.split('').map(Number);
  d.push(innDigit(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
  d.push(innDigit(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
  return d.join('');
}
export function validOgrn(n) {
  const body = `10277${String(n).padStart(7, '0').slice(-7)}`;
  return body + String(Number(BigInt(body) % 11n) % 10);
}

// Imports over the API. uploadImport: POST /api/v1/imports of a file (type "company" unless
// given). waitImport: polls the job until it is done or failed (returns the job). runImport:
// upload, start with on_duplicate (and a column mapping when given), wait.
export async function uploadImport(server, token, name, bytes, type = null) {
  const kind = type ? `type=${encodeURIComponent(type)}&` : '';
  return call(server, 'POST', `/api/v1/imports?${kind}file_name=${encodeURIComponent(name)}`, {
    token, body: bytes, headers: { 'content-type': 'application/octet-stream' },
  });
}

export async function waitImport(server, token, id, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(server, 'GET', `/api/v1/imports/${id}`, { token });
    expectStatus(res, 200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    if (Date.now() > until) throw new Error(`import ${id} still ${res.body.status}: ${res.text}`);
    await sleep(100);
  }
}

export async function runImport(server, token, name, bytes, onDuplicate, { type = null, mapping = null } = {}) {
  const up = await uploadImport(server, token, name, bytes, type);
  expectStatus(up, 201);
  const json = mapping ? { on_duplicate: onDuplicate, mapping } : { on_duplicate: onDuplicate };
  expectStatus(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token, json }), 202);
  return waitImport(server, token, up.body.id);
}
