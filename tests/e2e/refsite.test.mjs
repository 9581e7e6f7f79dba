// Browser test of the site sobre builds from a référentiel file, the real
// RGESN 2024 (tests/testdata.sh): Debian's Chromium driven by
// playwright-core, accessibility checked by axe-core, as site.test.mjs does
// for the guide's site. Run by tests/e2e/run.sh.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const testdata = resolve(root, process.env.SOBRE_TESTDATA || '../shared');
const rgesnFile = join(testdata, 'corpus', 'rgesn-2024', 'referentiel-ecoconception.json');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const PAGES = {
	home: '/',
	theme: '/thematiques/strategie/',
	criterion: '/criteres/1-1/',
	list: '/criteres/',
	reading: '/lecture/',
	'not found': '/criteres/99-99/',
};
const ENTRY = 'main li[data-priority]'; // one criterion of the list page

let tmp, site, server, origin, browser, criteria;
const contexts = [];
const foreign = []; // requests to any host but the local server

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.csv': 'text/csv; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
};

// A tiny static file server: /x/ -> x/index.html, unknown -> 404.html.
function serve(req, res) {
	let p;
	try {
		p = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
	} catch {
		p = '/\0';
	}
	if (p.endsWith('/')) p += 'index.html';
	let file = resolve(site, '.' + p);
	let status = 200;
	if ((file !== site && !file.startsWith(site + sep)) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
		file = join(site, '404.html');
		status = 404;
	}
	res.writeHead(status, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
	createReadStream(file).pipe(res);
}

async function newContext(options = {}) {
	const ctx = await browser.newContext({ locale: 'fr-FR', ...options });
	ctx.on('request', (r) => {
		const u = new URL(r.url());
		if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return;
		if (u.origin !== origin) foreign.push(r.url());
	});
	await ctx.route((u) => u.origin !== origin && /^https?:$/.test(u.protocol), (route) => route.abort());
	contexts.push(ctx);
	return ctx;
}

async function open(ctx, path, status = 200) {
	const page = await ctx.newPage();
	const resp = await page.goto(origin + path, { waitUntil: 'load' });
	assert.equal(resp.status(), status, `${path}: HTTP ${resp.status()}`);
	return page;
}

function formatViolations(path, violations) {
	const lines = [`axe: ${violations.length} violation(s) on ${path}`];
	for (const v of violations) {
		lines.push(`  - ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} node(s))`);
		for (const n of v.nodes.slice(0, 3)) lines.push(`      ${n.target.join(' ')}`);
	}
	return lines.join('\n');
}

async function urlBecomes(page, pred, what) {
	try {
		await page.waitForURL(pred, { timeout: 5000 });
	} catch {
		assert.fail(`${what}; the URL stayed ${page.url()}`);
	}
}

async function entries(page) {
	return page.$$eval(ENTRY, (lis) =>
		lis.map((li) => ({
			id: li.querySelector('.sheet-id')?.textContent.trim(),
			theme: li.getAttribute('data-theme'),
			priority: li.getAttribute('data-priority'),
			difficulty: li.getAttribute('data-difficulty'),
			who: (li.getAttribute('data-who') || '').split('|'),
			visible: li.checkVisibility(),
		})),
	);
}

before(async () => {
	const sobre = process.env.SOBRE;
	assert.ok(sobre, 'SOBRE must name the sobre binary (SOBRE=build/sobre node --test tests/e2e/)');
	assert.ok(statSync(rgesnFile, { throwIfNoEntry: false })?.isFile(), `no RGESN file at ${rgesnFile}`);
	criteria = JSON.parse(readFileSync(rgesnFile, 'utf8'));
	assert.equal(criteria.length, 78, 'the RGESN 2024 has 78 criteria');
	tmp = mkdtempSync(join(tmpdir(), 'sobre-e2e-ref-'));
	site = join(tmp, 'site');
	const r = spawnSync(resolve(sobre), ['build', rgesnFile, '-o', site, '--base-url', 'https://exemple.fr/'], {
		encoding: 'utf8',
	});
	assert.equal(r.status, 0, `sobre build failed (${r.status}):\n${r.stdout}${r.stderr}`);
	server = createServer(serve);
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	origin = `http://127.0.0.1:${server.address().port}`;
	browser = await chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
});

after(async () => {
	for (const ctx of contexts) await ctx.close().catch(() => {});
	if (browser) await browser.close();
	if (server) await new Promise((ok) => server.close(ok));
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('axe', { concurrency: true }, () => {
	for (const [name, path] of Object.entries(PAGES)) {
		test(`no violation on the référentiel's ${name} page`, async () => {
			const ctx = await newContext();
			const page = await open(ctx, path, name === 'not found' ? 404 : 200);
			await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
			const result = await page.evaluate(() => window.axe.run(document, { rules: { 'target-size': { enabled: true } } }));
			await page.close();
			assert.equal(result.violations.length, 0, formatViolations(path, result.violations));
		});
	}
});

test('criterion page: the question as h1, then Objectif, Mise en œuvre, Moyen de test', async () => {
	const ctx = await newContext();
	const page = await open(ctx, PAGES.criterion);
	const c = criteria.find((x) => x.numero === '1.1');
	assert.equal((await page.locator('h1').textContent()).replace(/\s+/g, ' ').trim(), `1.1 ${c.critere}`);
	assert.deepEqual(await page.locator('main h2').allTextContents(), ['Objectif', 'Mise en œuvre', 'Moyen de test']);
	assert.equal(await page.locator('dl dt').first().textContent(), 'Thématique');
	await page.close();
});

test('list: choosing a theme and a priority shows exactly those criteria and updates the URL', async () => {
	const ctx = await newContext();
	const page = await open(ctx, PAGES.list);
	const before = await entries(page);
	assert.equal(before.length, 78, 'every criterion is listed');
	assert.ok(before.every((e) => e.visible));

	await page.getByLabel('Thématique', { exact: true }).selectOption({ label: 'Stratégie' });
	await page.getByLabel('Priorité', { exact: true }).selectOption('Prioritaire');
	await urlBecomes(page, (u) => u.searchParams.get('theme') === 'strategie' && u.searchParams.get('priority') === 'Prioritaire',
		'the URL should get theme=strategie and priority=Prioritaire');
	const expected = criteria.filter((c) => c.thematique === 'Stratégie' && c.priorite === 'Prioritaire').map((c) => c.numero);
	assert.ok(expected.length > 0 && expected.length < 10);
	const shown = (await entries(page)).filter((e) => e.visible).map((e) => e.id);
	assert.deepEqual(shown.sort(), expected.sort());
	assert.match(await page.locator('#filter-count').textContent(), new RegExp(`^${expected.length} critères? affichés? sur 78\\.$`));
	const groupsShown = await page.$$eval('.theme-group', (gs) => gs.filter((g) => g.checkVisibility()).length);
	assert.equal(groupsShown, 1, 'only the chosen theme is shown');
	await page.close();
});

test('list: ?who=Développeur&difficulty=Faible preselects both filters', async () => {
	const ctx = await newContext();
	const page = await open(ctx, `${PAGES.list}?who=D%C3%A9veloppeur&difficulty=Faible`);
	assert.equal(await page.getByLabel('Métier', { exact: true }).inputValue(), 'Développeur');
	assert.equal(await page.getByLabel('Difficulté', { exact: true }).inputValue(), 'Faible');
	const expected = criteria
		.filter((c) => c.difficulte === 'Faible' && c.metiers.split(',').map((m) => m.trim()).includes('Développeur'))
		.map((c) => c.numero);
	assert.ok(expected.length > 0, 'the RGESN has such criteria');
	const shown = (await entries(page)).filter((e) => e.visible).map((e) => e.id);
	assert.deepEqual(shown.sort(), expected.sort());
	await page.close();
});

test('list: without JavaScript every criterion is listed', async () => {
	const ctx = await newContext({ javaScriptEnabled: false });
	const page = await open(ctx, `${PAGES.list}?priority=Prioritaire`);
	assert.equal(await page.locator(ENTRY).count(), 78);
	assert.equal(await page.locator(`${ENTRY}:visible`).count(), 78, 'no entry is hidden');
	assert.equal(await page.locator('#filtres').isVisible(), false, 'the filter form needs the script');
	await page.close();
});

// Last: every page above has been visited.
test('no request leaves the local server', () => {
	assert.ok(contexts.length > 0);
	assert.deepEqual(foreign, []);
});
