/// <reference lib="dom" />
/**
 * Renders every card of a fixture duty call with Microsoft's Adaptive Cards renderer in headless
 * Chromium and saves a screenshot of each under test-results/cards/, for a person to look at.
 * Usage: npm run render-cards [-- worst]   (needs Debian's chromium at /usr/bin/chromium)
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { callCards } from '../test/fixtures/card-catalogue';
import {
  buildDraft,
  FIXTURE_ANSWERS,
  TEST_PROFILE,
  WORST_PROFILE,
  worstAnswers,
} from '../test/fixtures/card-scenarios';

const OUT = path.resolve('test-results/cards');
const worst = process.argv[2] === 'worst';

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = worst ? WORST_PROFILE : TEST_PROFILE;
  const draft = buildDraft('full', worst ? worstAnswers('mixed') : FIXTURE_ANSWERS.full, profile);
  const cards = callCards(draft, profile).filter(
    (c) => !c.label.includes('errors on every field') || c.label.includes('family'),
  );
  const script = fs.readFileSync(require.resolve('adaptivecards/dist/adaptivecards.js'), 'utf8');
  const css = fs.readFileSync(require.resolve('adaptivecards/dist/adaptivecards.css'), 'utf8');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: 640, height: 400 } });
  await page.route(/^https?:/, (r) => r.abort());
  for (const [i, c] of cards.entries()) {
    await page.setContent(
      `<html><head><style>${css} body{font-family:sans-serif;margin:8px;background:#f5f5f5}</style></head><body><div id="card"></div></body></html>`,
    );
    await page.addScriptTag({ content: script });
    await page.evaluate((json) => {
      const AC = (window as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
      const card = new AC.AdaptiveCard();
      card.parse(json);
      const el = card.render();
      if (el) document.getElementById('card')?.appendChild(el);
    }, c.card);
    const file = path.join(
      OUT,
      `${String(i + 1).padStart(2, '0')}-${c.label.replace(/[^a-z0-9]+/gi, '-')}.png`,
    );
    await page.locator('#card').screenshot({ path: file });
  }
  await browser.close();
  console.log(`${cards.length} cards rendered to ${path.relative(process.cwd(), OUT)}/`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
