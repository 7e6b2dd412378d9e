// Clients: companies over the API — create with Russian requisites and normalised contacts,
// read and update with ETag/If-Match, field errors in Russian and English, duplicate control on
// save (409 with candidates, confirm_duplicate), the duplicate scan, "not a duplicate", merge with
// history and audit records. Every rejected write is checked to have left the base as it was.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, call, expectStatus, expectProblem, tokenFor, listAll, validInn10, validOgrn,
} from './harness.mjs';

describe('clients: companies', () => {
  let server;
  let admin;
  let sales;
  let salesId;
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    sales = await tokenFor(server, 'sales');
    const me = await call(server, 'GET', '/api/v1/me', { token: sales });
    expectStatus(me, 200);
    salesId = me.body.id;
  });
  after(async () => {
    if (server) await server.stop();
  });

  // Everything an administrator sees of companies (archived and merged ones included) and the
  // newest audit id: a rejected write must change neither.
  async function state() {
    const items = await listAll(server, admin, '/api/v1/companies?archived=true', 500);
    const audit = await call(server, 'GET', '/api/v1/audit?limit=1', { token: admin });
    expectStatus(audit, 200);
    return { items: new Map(items.map((c) => [c.id, JSON.stringify(c)])), audit: audit.body.items[0]?.id ?? 0 };
  }
  async function rejected(fn) {
    const before = await state();
    const res = await fn();
    const after = await state();
    const changed = [...new Set([...before.items.keys(), ...after.items.keys()])]
      .filter((id) => before.items.get(id) !== after.items.get(id));
    const audit = await call(server, 'GET', `/api/v1/audit?limit=${Math.max(1, Math.min(50, after.audit - before.audit))}`, { token: admin });
    const written = audit.body.items.filter((a) => a.id > before.audit).map((a) => `${a.action} ${a.object_type} ${a.object_id}`);
    assert.ok(changed.length === 0 && written.length === 0,
      `${res.what} answered ${res.status} but changed companies ${JSON.stringify(changed)} and wrote audit records ${JSON.stringify(written)}`);
    return res;
  }
  async function create(json, token = sales) {
    const res = await call(server, 'POST', '/api/v1/companies', { token, json });
    expectStatus(res, 201);
    return res.body;
  }

  test('POST /api/v1/companies stores requisites, normalises the phone and lower-cases the e-mail', async () => {
    const inn = validInn10(101);
    const ogrn = validOgrn(101);
    const res = await call(server, 'POST', '/api/v1/companies', {
      token: sales,
      json: {
        name: 'Торговый дом Восход',
        inn,
        kpp: '773601001',
        ogrn,
        phones: [{ number: '8 (916) 123-45-67', type: 'mobile' }, { number: '+44 20 7946 0958', type: 'work' }],
        emails: [{ email: 'Info@Voshod-TD.RU', type: 'work' }],
        segment: 'client',
        region: 'Москва',
        industry: 'Оптовая торговля',
        source: 'web_form',
      },
    });
    expectStatus(res, 201);
    const c = res.body;
    assert.ok(Number.isInteger(c.id) && c.id > 0, `id: ${c.id}`);
    assert.equal(res.headers.get('location'), `/api/v1/companies/${c.id}`);
    assert.equal(res.headers.get('etag'), `"${c.version}"`);
    assert.equal(c.name, 'Торговый дом Восход');
    assert.equal(c.inn, inn);
    assert.equal(c.kpp, '773601001');
    assert.equal(c.ogrn, ogrn);
    assert.deepEqual(c.phones, [{ number: '+79161234567', type: 'mobile' }, { number: '+442079460958', type: 'work' }]);
    assert.deepEqual(c.emails, [{ email: 'info@voshod-td.ru', type: 'work' }]);
    assert.equal(c.segment, 'client');
    assert.equal(c.region, 'Москва');
    assert.equal(c.industry, 'Оптовая торговля');
    assert.equal(c.source, 'web_form');
    assert.equal(c.owner_id, salesId, 'the creator owns the company');
    assert.equal(c.archived, false);

    const got = await call(server, 'GET', `/api/v1/companies/${c.id}`, { token: sales });
    expectStatus(got, 200);
    assert.equal(got.headers.get('etag'), `"${c.version}"`);
    for (const k of ['name', 'inn', 'kpp', 'ogrn', 'phones', 'emails', 'segment', 'region', 'industry', 'source', 'owner_id'])
      assert.deepEqual(got.body[k], c[k], `GET ${k}`);
    assert.deepEqual(got.body.persons, []);
  });

  test('PATCH with If-Match: the current version saves, a stale one gives 412 and changes nothing', async () => {
    const c = await create({ name: 'Северная верфь', inn: validInn10(102), region: 'Мурманская область' });
    const got = await call(server, 'GET', `/api/v1/companies/${c.id}`, { token: sales });
    const etag = got.headers.get('etag');
    const ok = await call(server, 'PATCH', `/api/v1/companies/${c.id}`, {
      token: sales, headers: { 'if-match': etag }, json: { region: 'Архангельская область', segment: 'vip' },
    });
    expectStatus(ok, 200);
    assert.equal(ok.body.region, 'Архангельская область');
    assert.equal(ok.body.segment, 'vip');
    assert.equal(ok.body.version, c.version + 1);
    assert.equal(ok.headers.get('etag'), `"${c.version + 1}"`);
    assert.equal(ok.body.inn, c.inn, 'fields not sent stay as they were');

    const stale = await rejected(() => call(server, 'PATCH', `/api/v1/companies/${c.id}`, {
      token: sales, headers: { 'if-match': etag }, json: { region: 'Карелия' },
    }));
    expectProblem(stale, 412);
    const now = await call(server, 'GET', `/api/v1/companies/${c.id}`, { token: sales });
    assert.equal(now.body.region, 'Архангельская область');

    const bad = await rejected(() => call(server, 'PATCH', `/api/v1/companies/${c.id}`, {
      token: sales, headers: { 'if-match': 'not-a-version' }, json: { region: 'Карелия' },
    }));
    expectProblem(bad, 400);
  });

  test('a wrong ИНН checksum is 422 naming inn with a Russian reason; nothing is stored', async () => {
    const inn = validInn10(103);
    const wrong = inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);
    const res = await rejected(() => call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Контрольная сумма', inn: wrong },
    }));
    const p = expectProblem(res, 422, ['inn']);
    const e = p.errors.find((x) => x.name === 'inn');
    assert.match(e.reason, /ИНН/, `reason: ${e.reason}`);
    assert.match(e.reason, /[а-яё]{3}/i, `the reason is not Russian: ${e.reason}`);
    assert.match(p.title, /[а-яё]{3}/i, `the title is not Russian: ${p.title}`);
  });

  test('with the user language set to English the same rejection is in English', async () => {
    const me = await call(server, 'GET', '/api/v1/me', { token: admin });
    const set = await call(server, 'PATCH', `/api/v1/users/${me.body.id}`, { token: admin, json: { lang: 'en' } });
    expectStatus(set, 200);
    try {
      const inn = validInn10(104);
      const wrong = inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);
      const res = await rejected(() => call(server, 'POST', '/api/v1/companies', {
        token: admin, json: { name: 'Checksum Ltd', inn: wrong, kpp: '77360100' },
      }));
      const p = expectProblem(res, 422, ['inn', 'kpp']);
      for (const e of p.errors) {
        assert.doesNotMatch(e.reason, /[а-яё]/i, `${e.name}: the reason is not English: ${e.reason}`);
        assert.match(e.reason, /[a-z]{3}/i);
      }
      assert.match(p.errors.find((x) => x.name === 'inn').reason, /INN/);
      assert.doesNotMatch(p.title, /[а-яё]/i, `title: ${p.title}`);
    } finally {
      expectStatus(await call(server, 'PATCH', `/api/v1/users/${me.body.id}`, { token: admin, json: { lang: 'ru' } }), 200);
    }
  });

  test('the ru/en switch (cookie lang=en) makes the field errors English too', async () => {
    const inn = validInn10(105);
    const wrong = inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);
    const res = await rejected(() => call(server, 'POST', '/api/v1/companies', {
      token: sales, cookie: 'lang=en', json: { name: 'Checksum Cookie Ltd', inn: wrong },
    }));
    const p = expectProblem(res, 422, ['inn']);
    const e = p.errors.find((x) => x.name === 'inn');
    assert.doesNotMatch(`${p.title} ${e.reason}`, /[а-яё]/i, `cookie lang=en, but: ${p.title} / ${e.reason}`);
  });

  test('bad КПП, ОГРН, phone, e-mail and an unknown segment or source are each named', async () => {
    const cases = [
      [{ kpp: '7736010' }, 'kpp'],
      [{ kpp: '7736-1001' }, 'kpp'],
      [{ ogrn: validOgrn(106).slice(0, 12) + String((Number(validOgrn(106)[12]) + 1) % 10) }, 'ogrn'],
      [{ ogrn: '12345' }, 'ogrn'],
      [{ phones: [{ number: '12-34', type: 'work' }] }, 'phones[0].number'],
      [{ phones: [{ number: '+7 916 123-45-67', type: 'work' }, { number: 'позвонить Ивану', type: 'work' }] }, 'phones[1].number'],
      [{ emails: [{ email: 'info@', type: 'work' }] }, 'emails[0].email'],
      [{ emails: ['no-at-sign.ru'] }, 'emails[0].email'],
      [{ segment: 'friend' }, 'segment'],
      [{ source: 'rumour' }, 'source'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [extra, field] of cases) {
      const res = await rejected(() => call(server, 'POST', '/api/v1/companies', {
        token: sales, json: { name: 'Ошибочные реквизиты', inn: validInn10(107), ...extra },
      }));
      const p = expectProblem(res, 422, [field]);
      const e = p.errors.find((x) => x.name === field);
      assert.ok(e.reason && /[а-яё]/i.test(e.reason), `${field}: no Russian reason: ${JSON.stringify(e)}`);
    }
    // All errors at once, each named.
    const all = await rejected(() => call(server, 'POST', '/api/v1/companies', {
      token: sales,
      json: { name: 'Всё неверно', inn: '1234567890', kpp: 'x', ogrn: '1', phones: ['1'], emails: ['@'], segment: 'x' },
    }));
    expectProblem(all, 422, ['inn', 'kpp', 'ogrn', 'phones[0].number', 'emails[0].email', 'segment']);
    // And a PATCH with a bad value changes nothing either.
    const c = await create({ name: 'Исправная компания', inn: validInn10(108) });
    const patch = await rejected(() => call(server, 'PATCH', `/api/v1/companies/${c.id}`, {
      token: sales, json: { kpp: '12', region: 'Тверь' },
    }));
    expectProblem(patch, 422, ['kpp']);
  });

  test('the same ИНН is 409 with candidates [{id, reasons:["inn"], score}]; confirm_duplicate saves', async () => {
    const inn = validInn10(110);
    const first = await create({ name: 'Первая инженерная', inn });
    const res = await rejected(() => call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Совсем другое название', inn },
    }));
    const p = expectProblem(res, 409);
    assert.ok(Array.isArray(p.candidates), `no candidates: ${res.text}`);
    const cand = p.candidates.find((x) => x.id === first.id);
    assert.ok(cand, `the first company is not a candidate: ${res.text}`);
    assert.ok(cand.reasons.includes('inn'), `reasons: ${cand.reasons}`);
    assert.equal(typeof cand.score, 'number');
    assert.ok(cand.score > 0 && cand.score <= 100, `score ${cand.score}`);

    const ok = await call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Совсем другое название', inn, confirm_duplicate: true },
    });
    expectStatus(ok, 201);
    assert.equal(ok.body.inn, inn);
  });

  test('«ООО "Ромашка"», "Ромашка ООО" and "OOO Romashka" are one name: 409 with reason name', async () => {
    const base = await create({ name: 'ООО "Ромашка"', region: 'Тула' });
    for (const name of ['Ромашка ООО', 'OOO Romashka', 'ООО «Ромашка»', 'общество с ограниченной ответственностью Ромашка']) {
      const res = await rejected(() => call(server, 'POST', '/api/v1/companies', { token: sales, json: { name } }));
      const p = expectProblem(res, 409);
      const cand = (p.candidates || []).find((x) => x.id === base.id);
      assert.ok(cand, `${name}: «ООО "Ромашка"» is not a candidate: ${res.text}`);
      assert.ok(cand.reasons.includes('name'), `${name}: reasons ${cand.reasons}`);
    }
    const check = await call(server, 'POST', '/api/v1/companies/duplicates/check', { token: sales, json: { name: 'Ромашка, ООО' } });
    expectStatus(check, 200);
    assert.ok(check.body.candidates.some((x) => x.id === base.id && x.reasons.includes('name')), check.text);
  });

  test('the same phone typed another way is 409 with reason phone; the same e-mail in other case with reason email', async () => {
    const base = await create({
      name: 'Телефонная станция Заря', phones: [{ number: '+7 (495) 765-43-21', type: 'work' }], emails: ['office@zarya-ats.ru'],
    });
    const byPhone = await rejected(() => call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Монтажники Юга', phones: [{ number: '8 495 7654321', type: 'work' }] },
    }));
    const p = expectProblem(byPhone, 409);
    const cand = p.candidates.find((x) => x.id === base.id);
    assert.ok(cand && cand.reasons.includes('phone'), byPhone.text);

    const byEmail = await rejected(() => call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Кабельные сети', emails: ['Office@ZARYA-ATS.ru'] },
    }));
    const q = expectProblem(byEmail, 409);
    assert.ok(q.candidates.some((x) => x.id === base.id && x.reasons.includes('email')), byEmail.text);

    const ok = await call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Монтажники Юга', phones: ['8 495 7654321'], confirm_duplicate: true },
    });
    expectStatus(ok, 201);
    assert.deepEqual(ok.body.phones, [{ number: '+74957654321', type: 'work' }]);
  });

  test('saving a card again does not ask about the phone it already shares; a newly added shared phone or ИНН does', async () => {
    const first = await create({ name: 'Пекарня Колос', inn: validInn10(231), phones: ['+7 (812) 300-10-20'] });
    const twin = await call(server, 'POST', '/api/v1/companies', {
      token: sales, json: { name: 'Колос-Доставка', phones: ['+7 812 300 10 20'], confirm_duplicate: true },
    });
    expectStatus(twin, 201);
    const resave = await call(server, 'PATCH', `/api/v1/companies/${twin.body.id}`, {
      token: sales, json: { note: 'Звонить после обеда', phones: ['8 812 300-10-20'] },
    });
    expectStatus(resave, 200);
    assert.equal(resave.body.note, 'Звонить после обеда');
    const third = await create({ name: 'Мельница Жернов', phones: ['+7 812 300-50-60'] });
    const addPhone = await rejected(() => call(server, 'PATCH', `/api/v1/companies/${first.id}`, {
      token: sales, json: { phones: ['+7 812 300-10-20', '+7 812 300-50-60'] },
    }));
    assert.deepEqual(expectProblem(addPhone, 409).candidates.map((c) => c.id), [third.id], addPhone.text);
    const addInn = await rejected(() => call(server, 'PATCH', `/api/v1/companies/${twin.body.id}`, {
      token: sales, json: { inn: validInn10(231) },
    }));
    assert.ok(expectProblem(addInn, 409).candidates.some((c) => c.id === first.id && c.reasons.includes('inn')), addInn.text);
  });

  test('POST /api/v1/companies/duplicates/check lists candidates without saving anything', async () => {
    const inn = validInn10(111);
    const base = await create({ name: 'Проверочная лаборатория', inn, phones: ['+7 812 300-00-01'] });
    const res = await rejected(() => call(server, 'POST', '/api/v1/companies/duplicates/check', {
      token: sales, json: { name: 'Иное имя', inn, phones: ['8 (812) 300-00-01'] },
    }));
    expectStatus(res, 200);
    const cand = res.body.candidates.find((x) => x.id === base.id);
    assert.ok(cand, res.text);
    assert.deepEqual([...cand.reasons].sort(), ['inn', 'phone']);
    assert.ok(cand.score > 80, `ИНН and phone together score only ${cand.score}`);
    const none = await call(server, 'POST', '/api/v1/companies/duplicates/check', {
      token: sales, json: { name: 'Ни на кого не похожая фирма', inn: validInn10(112) },
    });
    expectStatus(none, 200);
    assert.deepEqual(none.body.candidates, []);
  });

  test('the scan groups duplicates with score and reasons; "not a duplicate" removes the pair from the scan and from candidates on update', async () => {
    const inn = validInn10(120);
    const a = await create({ name: 'Агрофирма Колос', inn });
    const b = await create({ name: 'Хлебозавод номер один', inn, confirm_duplicate: true });
    const scan = await call(server, 'GET', '/api/v1/companies/duplicates', { token: sales });
    expectStatus(scan, 200);
    const group = scan.body.items.find((g) => g.ids.includes(a.id));
    assert.ok(group, `no group with ${a.id}: ${scan.text}`);
    assert.ok(group.ids.includes(b.id), `the group misses ${b.id}: ${JSON.stringify(group)}`);
    assert.ok(group.reasons.includes('inn'), JSON.stringify(group));
    assert.ok(group.score > 0 && group.score <= 100, JSON.stringify(group));

    // A third company gets b's ИНН by PATCH: a and b are candidates.
    const c = await create({ name: 'Мельничный комбинат', inn: validInn10(121) });
    const clash = await rejected(() => call(server, 'PATCH', `/api/v1/companies/${c.id}`, { token: sales, json: { inn } }));
    const p = expectProblem(clash, 409);
    assert.deepEqual(p.candidates.map((x) => x.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y), clash.text);

    const mark = await call(server, 'POST', '/api/v1/companies/not-duplicates', { token: sales, json: { a: a.id, b: b.id } });
    assert.ok(mark.status === 204 || mark.status === 200, `${mark.what}: ${mark.status} ${mark.text}`);
    const after = await call(server, 'GET', '/api/v1/companies/duplicates', { token: sales });
    expectStatus(after, 200);
    assert.ok(!after.body.items.some((g) => g.ids.includes(a.id) && g.ids.includes(b.id)), `the pair is still in the scan: ${after.text}`);

    // Marked pairs: c vs a and c vs b.
    for (const other of [a, b])
      expectStatus(await call(server, 'POST', '/api/v1/companies/not-duplicates', { token: sales, json: { a: c.id, b: other.id } }), 204);
    const patched = await call(server, 'PATCH', `/api/v1/companies/${c.id}`, { token: sales, json: { inn } });
    expectStatus(patched, 200);
    assert.equal(patched.body.inn, inn);

    const missing = await rejected(() => call(server, 'POST', '/api/v1/companies/not-duplicates', {
      token: sales, json: { a: a.id, b: 999999 },
    }));
    expectProblem(missing, 404);
    const bad = await rejected(() => call(server, 'POST', '/api/v1/companies/not-duplicates', { token: sales, json: { a: a.id } }));
    expectProblem(bad, 422, ['b']);
  });

  test('merge: the survivor takes the chosen fields and the phones, the loser is archived and gone from lists, history and audit show it', async () => {
    const survivor = await create({
      name: 'ООО "Берёзка"', inn: validInn10(130), region: 'Калуга', segment: 'client',
      phones: ['+7 484 200-00-01'], emails: ['sale@berezka-kaluga.ru'],
    });
    const loser = await create({
      name: 'Берёзка ООО', region: 'Калужская область', segment: 'prospect', phones: ['8 (484) 200-00-02'], confirm_duplicate: true,
    });
    // The loser has a history of its own.
    expectStatus(await call(server, 'PATCH', `/api/v1/companies/${loser.id}`, { token: sales, json: { industry: 'Мебель' } }), 200);

    const scan = await call(server, 'GET', '/api/v1/companies/duplicates', { token: sales });
    const group = scan.body.items.find((g) => g.ids.includes(survivor.id) && g.ids.includes(loser.id));
    assert.ok(group && group.reasons.includes('name'), `the pair is not in the scan by name: ${scan.text}`);

    const unknown = await rejected(() => call(server, 'POST', `/api/v1/companies/${survivor.id}/merge`, {
      token: sales, json: { loser_id: loser.id, take_from_loser: ['colour'] },
    }));
    expectProblem(unknown, 422, ['take_from_loser']);
    const self = await rejected(() => call(server, 'POST', `/api/v1/companies/${survivor.id}/merge`, {
      token: sales, json: { loser_id: survivor.id },
    }));
    expectProblem(self, 422, ['loser_id']);

    const res = await call(server, 'POST', `/api/v1/companies/${survivor.id}/merge`, {
      token: sales, json: { loser_id: loser.id, take_from_loser: ['region'] },
    });
    expectStatus(res, 200);
    const s = res.body;
    assert.equal(s.id, survivor.id);
    assert.equal(s.region, 'Калужская область', 'the region chosen from the loser');
    assert.equal(s.segment, 'client', 'fields not chosen stay the survivor’s');
    assert.equal(s.name, 'ООО "Берёзка"');
    assert.deepEqual(s.phones.map((x) => x.number).sort(), ['+74842000001', '+74842000002']);
    assert.deepEqual(s.emails.map((x) => x.email), ['sale@berezka-kaluga.ru']);

    const l = await call(server, 'GET', `/api/v1/companies/${loser.id}`, { token: admin });
    if (l.status === 200) assert.equal(l.body.archived, true, 'the loser is archived');
    else expectProblem(l, 404);
    const list = await listAll(server, sales, '/api/v1/companies', 500);
    assert.ok(!list.some((x) => x.id === loser.id), 'the loser is still listed');
    assert.ok(list.some((x) => x.id === survivor.id));
    const found = await call(server, 'GET', `/api/v1/companies?q=${encodeURIComponent('Березка')}`, { token: sales });
    assert.deepEqual(found.body.items.map((x) => x.id), [survivor.id], found.text);
    const byPhone = await call(server, 'GET', `/api/v1/companies?q=${encodeURIComponent('8 484 200 00 02')}`, { token: sales });
    assert.deepEqual(byPhone.body.items.map((x) => x.id), [survivor.id], 'the moved phone finds the survivor');
    const rescan = await call(server, 'GET', '/api/v1/companies/duplicates', { token: sales });
    assert.ok(!rescan.body.items.some((g) => g.ids.includes(loser.id)), `the loser is still in the scan: ${rescan.text}`);

    const hist = await call(server, 'GET', `/api/v1/companies/${survivor.id}/history`, { token: sales });
    expectStatus(hist, 200);
    const items = hist.body.items;
    assert.ok(items.some((h) => h.action === 'merge' && String(h.object_id) === String(survivor.id)), `no merge in history: ${hist.text.slice(0, 600)}`);
    assert.ok(items.some((h) => h.action === 'create' && String(h.object_id) === String(loser.id)), 'the loser’s creation is not in the survivor’s history');
    assert.ok(items.some((h) => h.action === 'update' && String(h.object_id) === String(loser.id) && h.changes.industry),
      'the loser’s own update is not in the survivor’s history');
    const ids = items.map((h) => h.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'history is newest first');

    const audit = await call(server, 'GET', `/api/v1/audit?object_type=company&object_id=${survivor.id}&limit=50`, { token: admin });
    expectStatus(audit, 200);
    const rec = audit.body.items.find((a) => a.action === 'merge');
    assert.ok(rec, `no merge audit record: ${audit.text.slice(0, 600)}`);
    assert.equal(rec.login, 'sales');
    assert.equal(rec.changes.merged, loser.id);
    const loserAudit = await call(server, 'GET', `/api/v1/audit?object_type=company&object_id=${loser.id}&limit=50`, { token: admin });
    assert.ok(loserAudit.body.items.some((a) => a.action === 'merged_into' && a.changes.survivor === survivor.id), loserAudit.text.slice(0, 600));

  });

  test('merging a record that is already merged is refused and changes nothing', async () => {
    const survivor = await create({ name: 'Кондитерская фабрика Мишка', inn: validInn10(131) });
    const loser = await create({ name: 'Фабрика «Мишка»', inn: validInn10(131), confirm_duplicate: true });
    expectStatus(await call(server, 'POST', `/api/v1/companies/${survivor.id}/merge`, { token: sales, json: { loser_id: loser.id } }), 200);
    const again = await rejected(() => call(server, 'POST', `/api/v1/companies/${survivor.id}/merge`, {
      token: sales, json: { loser_id: loser.id },
    }));
    assert.ok([404, 409, 422].includes(again.status), `merging a merged record again: ${again.status} ${again.text.slice(0, 300)}`);
    expectProblem(again, again.status);
    // Nor can the merged record absorb another one.
    const other = await create({ name: 'Мишка и компания', inn: validInn10(132), confirm_duplicate: true });
    const into = await rejected(() => call(server, 'POST', `/api/v1/companies/${loser.id}/merge`, {
      token: sales, json: { loser_id: other.id },
    }));
    assert.ok([404, 409, 422].includes(into.status), `merging into a merged record: ${into.status} ${into.text.slice(0, 300)}`);
  });

  test('archive by PATCH hides the company from lists and the duplicate check', async () => {
    const inn = validInn10(140);
    const c = await create({ name: 'Закрытое предприятие Луч', inn });
    const res = await call(server, 'PATCH', `/api/v1/companies/${c.id}`, { token: sales, json: { archived: true } });
    expectStatus(res, 200);
    assert.equal(res.body.archived, true);
    const list = await listAll(server, sales, '/api/v1/companies', 500);
    assert.ok(!list.some((x) => x.id === c.id));
    const withArchived = await listAll(server, sales, '/api/v1/companies?archived=true', 500);
    assert.ok(withArchived.some((x) => x.id === c.id));
    const again = await call(server, 'POST', '/api/v1/companies', { token: sales, json: { name: 'Новый Луч', inn } });
    expectStatus(again, 201);
  });
});
