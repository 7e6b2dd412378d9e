// Graceful shutdown: SIGTERM while a request is being handled lets it finish, then the process
// exits 0 with the database closed.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  BACKEND, PASSWORD, startServer, call, expectStatus, sleep,
} from './harness.mjs';

describe('graceful shutdown', () => {
  let server;
  afterEach(async () => {
    if (server) await server.stop();
    server = null;
  });

  const shutdownLine = () => (/^.*"event":"shutdown".*$/m.exec(server.log()) || ['(no shutdown event logged)'])[0];

  async function expectCleanExit() {
    const timer = setTimeout(() => server.signal('SIGKILL'), 10000);
    const exit = await server.exit;
    clearTimeout(timer);
    assert.deepEqual(exit, { code: 0, signal: null }, `the server did not exit cleanly:\n${server.log().slice(-2000)}`);
    assert.match(server.log(), /"event":"stopped"/);
    if (BACKEND === 'sqlite') {
      // Closed clean: closing the last connection checkpoints and removes the WAL file.
      const wal = `${server.db.replace(/^sqlite:/, '')}-wal`;
      assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, `the WAL file ${wal} is left behind`);
    }
  }

  test('SIGTERM during POST /api/v1/auth/token: the request still gets 200 and the process exits 0', async () => {
    server = await startServer({ demo: false, args: ['--workers', '2'] });
    // A token request hashes a password (a few hundred milliseconds on a busy machine).
    const slow = call(server, 'POST', '/api/v1/auth/token', { json: { login: 'admin', password: PASSWORD } });
    await sleep(50);
    // The workers take requests in arrival order, so once this later request is answered the
    // token request has been taken up by a worker: it is being handled, not waiting.
    expectStatus(await call(server, 'GET', '/healthz'), 200);
    server.signal('SIGTERM');
    const res = await slow;
    assert.equal(res.status, 200, `${res.what} during shutdown: ${res.status} ${res.text}; server: ${shutdownLine()}`);
    assert.equal(typeof res.body.token, 'string');
    await expectCleanExit();
    // The test did what it says: the request was in flight when the signal came.
    const m = /"in_flight":(\d+)/.exec(shutdownLine());
    assert.ok(m, `no shutdown event in the log:\n${server.log().slice(-2000)}`);
    assert.ok(Number(m[1]) >= 1, `no request was in flight at SIGTERM (${shutdownLine()})`);
  });

  test('SIGTERM on an idle server after some writes: exit 0 at once, database closed clean', async () => {
    server = await startServer({ demo: false });
    const token = (await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'admin', password: PASSWORD } })).body.token;
    expectStatus(await call(server, 'POST', '/api/v1/departments', { token, json: { name: 'Перед остановкой' } }), 201);
    const t0 = Date.now();
    server.signal('SIGTERM');
    await expectCleanExit();
    assert.ok(Date.now() - t0 < 5000, `exit took ${Date.now() - t0} ms`);
  });
});
