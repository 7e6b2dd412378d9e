'use strict';
// Importing a small CSV in Windows-1251 with one bad row through the browser: upload, the
// preview marks the bad row with its reason, the job runs with a progress bar, the summary
// says 5 imported and 1 rejected, the report names the reason, and the companies are in the list.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startServer, withBrowser, login } = require('./harness');

const USER = { login: 'ivan.import', role: 'sales_manager', name: 'Иван Импортов' };
const CSV = path.resolve(__dirname, '..', 'data', 'companies_cp1251.csv');

describe('import in the browser', () => {
  let server;
  before(async () => {
    server = await startServer({ users: [USER] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a Windows-1251 CSV with one bad row: preview, progress, 5 imported and 1 rejected with the reason', withBrowser(() => server, async (page) => {
    await login(page, USER.login);
    await page.goto('/companies');
    await page.getByRole('link', { name: 'Импорт организаций' }).click();
    await page.waitForURL((u) => u.pathname === '/companies/import');
    // Submitting without a file keeps the user on the page.
    await page.locator('#import-file').setInputFiles(CSV);
    await Promise.all([
      page.waitForURL((u) => /^\/imports\/\d+$/.test(u.pathname)),
      page.locator('#import-form button[type=submit]').click(),
    ]);
    // Preview: the Cyrillic header is read from Windows-1251 and the bad row carries its reason.
    await assert.doesNotReject(page.getByRole('columnheader', { name: 'Название' }).first().waitFor());
    const bad = page.locator('tr.bad-row');
    assert.equal(await bad.count(), 1);
    assert.match(await bad.innerText(), /Неверная контрольная сумма ИНН/);
    assert.equal(await page.locator('#map-1').inputValue(), 'inn');
    await page.locator('input[name=on_duplicate][value=skip]').check();
    await page.locator('#import-start button[type=submit]').click();
    // Progress until done, then the summary.
    await page.locator('#import-status', { hasText: 'завершён' }).waitFor({ timeout: 30000 });
    assert.match(await page.locator('#import-summary').innerText(), /Строк: 6 · создано: 5 · обновлено: 0 · пропущено: 0 · отклонено: 1/);
    const report = await page.request.get(await page.locator('#import-report').getAttribute('href'));
    assert.equal(report.status(), 200);
    assert.match(await report.text(), /Неверная контрольная сумма ИНН/);
    await page.goto('/companies?q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0');
    assert.equal(await page.locator('#company-results tbody tr').count(), 1);
    assert.match(await page.locator('#company-results tbody').innerText(), /Ромашка/);
  }));
});
