// Clients: the search box and the list filters over the API — Russian word forms, ё = е, name
// prefixes as typed, exact ИНН / phone in any format / e-mail in any case; filters, sorting and
// keyset pages; bad filter values named in a 422.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, call, expectStatus, expectProblem, tokenFor, listAll, validInn10, validInn12, validOgrn,
} from './harness.mjs';

describe('clients: search, filters and pages', () => {
  let server;
  let admin;
  let sales;
  let client;
  let clientId;
  const co = {};
  const pe = {};
  const paged = []; // companies in region "Пагинация"
  // "Пагинация" names, in alphabetical order of their (lower-case, ё-free) names.
  const WORDS = ['Альбатрос', 'Байкал', 'Вега', 'Гранит', 'Дельта', 'Енисей', 'Жемчуг', 'Зенит', 'Импульс', 'Кедр',
    'Лотос', 'Меридиан', 'Нева', 'Олимп', 'Полюс', 'Радуга', 'Сокол', 'Титан', 'Урал', 'Факел', 'Хоста', 'Циркон', 'Эверест'];

  async function company(json, token = sales) {
    const res = await call(server, 'POST', '/api/v1/companies', { token, json: { confirm_duplicate: true, ...json } });
    expectStatus(res, 201);
    return res.body;
  }
  async function person(json, token = sales) {
    const res = await call(server, 'POST', '/api/v1/persons', { token, json: { confirm_duplicate: true, ...json } });
    expectStatus(res, 201);
    return res.body;
  }
  async function search(kind, q, token = sales, extra = '') {
    const res = await call(server, 'GET', `/api/v1/${kind}?q=${encodeURIComponent(q)}&limit=100${extra}`, { token });
    expectStatus(res, 200);
    assert.ok(Array.isArray(res.body.items), res.text);
    assert.ok('next' in res.body, `${res.what}: no next`);
    return res.body.items.map((x) => x.id);
  }

  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    sales = await tokenFor(server, 'sales');
    client = await tokenFor(server, 'client');
    clientId = (await call(server, 'GET', '/api/v1/me', { token: client })).body.id;

    co.service = await company({ name: 'Клиентская служба', segment: 'client', region: 'Москва', industry: 'Услуги', source: 'referral' });
    co.yolkin = await company({ name: 'Ёлкин и партнёры', segment: 'vip', region: 'Тверская область', industry: 'Право', source: 'exhibition' });
    co.vostok = await company({
      name: 'Торговый дом Восток', inn: validInn10(301), ogrn: validOgrn(301), segment: 'regular', region: 'Свердловская область',
      industry: 'Торговля', source: 'cold_call', phones: [{ number: '+7 (343) 222-33-44', type: 'work' }],
      emails: [{ email: 'Sale@Vostok-TD.ru', type: 'work' }],
    });
    co.mine = await company({ name: 'Строительная артель Клиента', region: 'Москва', industry: 'Строительство', source: 'referral' }, client);
    for (const [i, w] of WORDS.entries())
      paged.push(await company({ name: `${w} Пагинация`, region: 'Пагинация', segment: i % 2 ? 'vip' : 'lost' }));

    pe.ivanov = await person({
      name: 'Иванов Пётр Сергеевич', inn: validInn12(302), phones: [{ number: '8 (903) 555-66-77', type: 'mobile' }],
      emails: ['Petr.Ivanov@Example.RU'], region: 'Москва', segment: 'client', source: 'web_form',
    });
    pe.ivanova = await person({ name: 'Иванова Анна', region: 'Казань', segment: 'prospect' });
    pe.sidorov = await person({ name: 'Сидоров Иван', region: 'Москва', segment: 'vip' });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a Russian word in another form finds the name: "клиентами" → «Клиентская служба»', async () => {
    for (const q of ['клиентами', 'Клиентской', 'службы', 'СЛУЖБОЙ клиентской'])
      assert.ok((await search('companies', q)).includes(co.service.id), `q=${q} does not find «Клиентская служба»`);
    const none = await search('companies', 'бухгалтерия');
    assert.deepEqual(none, []);
  });

  test('ё = е both ways', async () => {
    for (const q of ['Елкин', 'ёлкин', 'партнеры', 'ПАРТНЁРАМИ'])
      assert.ok((await search('companies', q)).includes(co.yolkin.id), `q=${q} does not find «Ёлкин и партнёры»`);
    for (const q of ['Петр', 'пётр'])
      assert.ok((await search('persons', q)).includes(pe.ivanov.id), `q=${q} does not find «Иванов Пётр»`);
  });

  test('surname and name prefixes as typed: "Иван" finds «Иванов Пётр»', async () => {
    const ivan = await search('persons', 'Иван');
    assert.ok(ivan.includes(pe.ivanov.id), '«Иванов Пётр Сергеевич»');
    assert.ok(ivan.includes(pe.ivanova.id), '«Иванова Анна»');
    assert.ok(ivan.includes(pe.sidorov.id), '«Сидоров Иван» (first name)');
    const iva = await search('persons', 'ива');
    assert.ok(iva.includes(pe.ivanov.id) && iva.includes(pe.ivanova.id), `q=ива: ${iva}`);
    const both = await search('persons', 'Иванов Пет');
    assert.deepEqual(both, [pe.ivanov.id], 'surname and the start of the first name');
    const torg = await search('companies', 'Торг');
    assert.ok(torg.includes(co.vostok.id), 'company name prefix');
  });

  test('exact ИНН and ОГРН', async () => {
    assert.deepEqual(await search('companies', co.vostok.inn), [co.vostok.id]);
    assert.deepEqual(await search('companies', co.vostok.ogrn), [co.vostok.id]);
    assert.deepEqual(await search('persons', pe.ivanov.inn), [pe.ivanov.id]);
    assert.deepEqual(await search('companies', validInn10(399)), []);
  });

  test('a phone in any format', async () => {
    for (const q of ['+73432223344', '8 (343) 222-33-44', '7 343 222 33 44', '8-343-222-33-44', '(343) 222-33-44'])
      assert.deepEqual(await search('companies', q), [co.vostok.id], `q=${q}`);
    for (const q of ['89035556677', '+7 903 555-66-77'])
      assert.deepEqual(await search('persons', q), [pe.ivanov.id], `q=${q}`);
    assert.deepEqual(await search('companies', '+7 343 222-33-45'), []);
  });

  test('an e-mail in any case', async () => {
    for (const q of ['sale@vostok-td.ru', 'SALE@VOSTOK-TD.RU', ' Sale@Vostok-TD.ru '])
      assert.deepEqual(await search('companies', q), [co.vostok.id], `q=${JSON.stringify(q)}`);
    assert.deepEqual(await search('persons', 'petr.ivanov@example.ru'), [pe.ivanov.id]);
    assert.deepEqual(await search('companies', 'sale@vostok-td.com'), []);
  });

  test('filters: segment, region, industry, source, owner', async () => {
    const ids = async (qs, token = admin) => (await listAll(server, token, `/api/v1/companies?${qs}`, 100)).map((x) => x.id).sort((a, b) => a - b);
    const sorted = (...xs) => xs.sort((a, b) => a - b);
    assert.deepEqual(await ids('segment=client'), [co.service.id]);
    assert.deepEqual(await ids('segment=regular'), [co.vostok.id]);
    assert.deepEqual(await ids(`region=${encodeURIComponent('Москва')}`), sorted(co.service.id, co.mine.id));
    assert.deepEqual(await ids(`industry=${encodeURIComponent('Торговля')}`), [co.vostok.id]);
    assert.deepEqual(await ids('source=referral'), sorted(co.service.id, co.mine.id));
    assert.deepEqual(await ids(`owner=${clientId}`), [co.mine.id]);
    assert.deepEqual(await ids(`source=referral&region=${encodeURIComponent('Москва')}&owner=${clientId}`), [co.mine.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('Пагинация')}&segment=vip`),
      paged.filter((_, i) => i % 2).map((c) => c.id).sort((a, b) => a - b));
    const people = (await listAll(server, admin, `/api/v1/persons?region=${encodeURIComponent('Москва')}&segment=vip`)).map((x) => x.id);
    assert.deepEqual(people, [pe.sidorov.id]);
  });

  test('filters: created_from and created_to (whole days)', async () => {
    const day = co.service.created_at.slice(0, 10);
    const shift = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
    const all = await listAll(server, admin, '/api/v1/companies', 100);
    const count = async (qs) => (await listAll(server, admin, `/api/v1/companies?${qs}`, 100)).length;
    assert.equal(await count(`created_from=${day}`), all.length);
    assert.equal(await count(`created_to=${day}`), all.length, 'created_to includes the whole day');
    assert.equal(await count(`created_from=${day}&created_to=${day}`), all.length);
    assert.equal(await count(`created_from=${shift(day, 1)}`), 0);
    assert.equal(await count(`created_to=${shift(day, -1)}`), 0);
  });

  test('keyset pages: limit/after walk every record once, newest first', async () => {
    const res = await call(server, 'GET', `/api/v1/companies?region=${encodeURIComponent('Пагинация')}&limit=5`, { token: sales });
    expectStatus(res, 200);
    assert.equal(res.body.items.length, 5);
    assert.equal(typeof res.body.next, 'string', `next: ${JSON.stringify(res.body.next)}`);
    assert.ok(!('total' in res.body), 'no exact COUNT on every page');
    const seen = [];
    let after = null;
    for (let i = 0; i < 20; ++i) {
      const page = await call(server, 'GET',
        `/api/v1/companies?region=${encodeURIComponent('Пагинация')}&limit=5${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token: sales });
      expectStatus(page, 200);
      assert.ok(page.body.items.length <= 5);
      seen.push(...page.body.items.map((x) => x.id));
      if (page.body.next === null) break;
      after = page.body.next;
    }
    assert.equal(new Set(seen).size, seen.length, `a record came twice: ${seen}`);
    assert.deepEqual(seen, paged.map((c) => c.id).sort((a, b) => b - a), 'newest first, every one once');
  });

  test('sort=name: keyset pages give every record once, the same sequence whatever the page size', async () => {
    const want = paged.map((c) => c.id).sort((a, b) => a - b);
    let first = null;
    for (const qs of [`region=${encodeURIComponent('Пагинация')}&sort=name`, `q=${encodeURIComponent('пагинации')}&sort=name`]) {
      for (const limit of [4, 7, 100]) {
        const got = (await listAll(server, sales, `/api/v1/companies?${qs}`, limit)).map((x) => x.id);
        assert.equal(new Set(got).size, got.length, `${qs} limit=${limit}: a record came twice`);
        assert.deepEqual([...got].sort((a, b) => a - b), want, `${qs} limit=${limit}: not every record`);
        if (first) assert.deepEqual(got, first, `${qs} limit=${limit}: another order`);
        first = first || got;
      }
    }
    const newest = (await listAll(server, sales, `/api/v1/companies?q=${encodeURIComponent('пагинация')}&sort=new`, 6)).map((x) => x.id);
    assert.deepEqual(newest, [...want].reverse());
  });

  test('sort=name is Russian alphabetical order (А, Б, В, Г …)', async () => {
    const expected = [...paged].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)).map((c) => c.name);
    const got = (await listAll(server, sales, `/api/v1/companies?region=${encodeURIComponent('Пагинация')}&sort=name`, 100)).map((x) => x.name);
    assert.deepEqual(got, expected, `sort=name gave: ${got.map((n) => n.split(' ')[0]).join(', ')}`);
  });

  const BAD = [
    ['segment=friend', 'segment'],
    ['source=rumour', 'source'],
    ['owner=abc', 'owner'],
    ['created_from=2024-13-45', 'created_from'],
    ['created_from=abcd-ef-gh', 'created_from'],
    ['created_to=2024%2F01%2F01', 'created_to'],
    ['sort=zzz', 'sort'],
    ['limit=0', 'limit'],
    ['limit=100000', 'limit'],
    ['after=x', 'after'],
    [`q=${encodeURIComponent('я'.repeat(300))}`, 'q'],
  ];
  for (const [qs, field] of BAD) {
    test(`bad filter ${decodeURIComponent(qs).slice(0, 30)} is a 422 naming ${field}`, async () => {
      for (const kind of ['companies', 'persons'])
        expectProblem(await call(server, 'GET', `/api/v1/${kind}?${qs}`, { token: sales }), 422, [field]);
    });
  }
  test('several bad filters are all named', async () => {
    expectProblem(await call(server, 'GET', '/api/v1/companies?segment=x&owner=y&sort=z', { token: sales }), 422, ['segment', 'owner', 'sort']);
  });

  test('search input that looks like query syntax is plain text', async () => {
    for (const q of ['"', 'клиент*', 'NEAR(служба', 'служба OR 1=1', "'; DROP TABLE companies; --", '(', 'a:b', '-', '%', '_'])
      await search('companies', q);
    assert.ok((await search('companies', 'Клиентская служба')).includes(co.service.id));
  });
});
