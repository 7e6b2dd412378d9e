'use strict';
// Starts the real `sdelka` server on a fresh SQLite database and drives Debian's Chromium through
// playwright-core. Used by the *.test.js files in this folder; run them with tests/e2e/run.sh BUILD_DIR.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD_DIR = path.resolve(ROOT, process.env.SDELKA_BUILD_DIR || 'build');
const BINARY = path.join(BUILD_DIR, 'sdelka');
const CHROMIUM = process.env.SDELKA_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Where screenshots of failed tests go; run.sh sets it and prints it.
let artifacts = process.env.SDELKA_E2E_ARTIFACTS || null;
function artifactsDir() {
  if (!artifacts) artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'sdelka-e2e-artifacts-'));
  return artifacts;
}

const PASSWORD = 'correct horse battery staple';

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

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function runCli(args, env) {
  const res = spawnSync(BINARY, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30000,
  });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    throw new Error(`sdelka ${args.join(' ')} exited ${res.status}:\n${res.stdout}${res.stderr}`);
  }
  return res.stdout;
}

// users: [{ login, role, name?, department? }]; every user gets PASSWORD.
async function startServer({ users = [] } = {}) {
  if (!fs.existsSync(BINARY)) {
    throw new Error(`${BINARY} not found: build it first (SDELKA_BUILD_DIR=${BUILD_DIR})`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdelka-e2e-'));
  try {
    return await startServerIn(dir, users);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startServerIn(dir, users) {
  const db = `sqlite:${path.join(dir, 'sdelka.db')}`;
  for (const u of users) {
    const args = ['user', 'add', u.login, '--role', u.role];
    if (u.department) args.push('--department', u.department);
    if (u.name) args.push('--name', u.name);
    args.push('--db', db);
    runCli(args, { SDELKA_PASSWORD: PASSWORD });
  }

  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const child = spawn(BINARY, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--no-demo', '--files', path.join(dir, 'files')], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) {
      throw new Error(`sdelka serve exited early (${JSON.stringify(exited)}):\n${tail(logPath)}`);
    }
    try {
      const res = await fetch(`${baseURL}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exitPromise;
      throw new Error(`sdelka serve did not answer /healthz with 200 within 20 s:\n${tail(logPath)}`);
    }
    await sleep(50);
  }

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exitPromise;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    return exited;
  }

  return { baseURL, logPath, stop, exited: () => exited };
}

async function launchBrowser({ baseURL, viewport = { width: 1280, height: 800 } }) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sdelka-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport,
  });
  context.setDefaultTimeout(5000);
  context.setDefaultNavigationTimeout(10000);
  const page = context.pages()[0] || (await context.newPage());
  async function close() {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return { context, page, close };
}

function safeName(s) {
  return s.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 80);
}

// A node:test test body that gets a fresh browser profile; on failure a full-page screenshot is
// saved under ARTIFACTS before the error is re-thrown.
function withBrowser(server, fn, opts = {}) {
  return async (t) => {
    const b = await launchBrowser({ baseURL: server().baseURL, ...opts });
    try {
      await fn(b.page, b.context, t);
    } catch (err) {
      const file = path.join(artifactsDir(), `${safeName(t.name)}.png`);
      try {
        await b.page.screenshot({ path: file, fullPage: true });
        err.message += `\n  screenshot: ${file}\n  page: ${b.page.url()}`;
      } catch {
        // the page may be gone; the error itself is what matters
      }
      throw err;
    } finally {
      await b.close();
    }
  };
}

// Fills and submits the login form; resolves with the response to the form POST.
async function submitLogin(page, login, password) {
  await page.locator('form#login-form input#login').fill(login);
  await page.locator('form#login-form input#password').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.locator('form#login-form [type=submit]').click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

// Logs in through the page as a user would and waits for the shell.
async function login(page, loginName, password = PASSWORD) {
  await page.goto('/login');
  await submitLogin(page, loginName, password);
  await page.waitForURL((u) => u.pathname === '/');
  await page.locator('form#logout-form').waitFor({ state: 'visible' });
}

module.exports = {
  PASSWORD,
  launchBrowser,
  login,
  startServer,
  submitLogin,
  withBrowser,
};
