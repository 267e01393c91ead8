/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * End-to-end harness: the bot (as `npm start` runs it, in local mode, on a free port with its own
 * SQLite file), the Microsoft 365 Agents Playground pointing at it, and headless Chromium driving the
 * playground's web UI. Everything a scenario does goes through that UI: typing in the message box,
 * filling card inputs by their labels and pressing card buttons.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

// (__filename, not __dirname: tsx's ESM loader defines only the former for a module imported from ESM)
export const ROOT = path.resolve(path.dirname(__filename), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = path.join(ROOT, 'test-results', 'e2e');
const PLAYGROUND_CLI = path.join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

const CARD = '.ac-adaptiveCard';
const SEEN = 'data-e2e-seen';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ok: (body: string) => boolean, what: string, child: ChildProcess) {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} (${last})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.ok && ok(body)) return;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready at ${url}: ${last}`);
}

/**
 * Starts a child in its own process group (so the group can be killed), its output going to a log
 * file and, line by line, to `onLine`.
 */
function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
  onLine: (line: string) => void = () => undefined,
): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = fs.createWriteStream(log, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      out.write(`${line}\n`);
      onLine(line);
    });
  }
  child.once('exit', () => setTimeout(() => out.end(), 100));
  return child;
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * One thing a scenario did through the UI, as the harness did it: what test/e2e/measure.ts counts.
 * Clicks: 1 per button press, 1 per radio button or checkbox whose state changed, 2 per dropdown choice
 * picked or unpicked (open + pick); typing and moving between fields by keyboard take none.
 */
export interface E2EAction {
  readonly kind: 'button' | 'radio' | 'checkbox' | 'dropdown' | 'text' | 'date' | 'chat';
  /** The button's title, the input's label, or the message typed in the chat box. */
  readonly target: string;
  readonly clicks: number;
  /** Characters typed (into a card's text or date input, or into the chat box for `chat`). */
  readonly typed: number;
}

/** Told of each action; a button press is told before the click (the card it is on still newest). */
export type E2EWatcher = (action: E2EAction) => void | Promise<void>;

export interface E2E {
  readonly page: Page;
  readonly botUrl: string;
  readonly playgroundUrl: string;
  readonly dir: string;
  /** Kills the bot process (SIGKILL, as a crash would) and starts it again on the same database file. */
  restartBot(): Promise<void>;
  /**
   * Saves a screenshot as test-results/e2e/<scenario>/<nn>-<step>.png, with the top of `of` (the
   * newest card unless given) at the top of the chat.
   */
  shot(step: string, of?: Locator): Promise<string>;
  /** Types a message in the chat box and sends it with Enter; waits for `cards` new cards. */
  say(text: string, cards?: number): Promise<Locator>;
  /** The newest Adaptive Card in the conversation. */
  card(): Locator;
  /** The cards that arrived since the last say() or press(), oldest first. */
  newCards(): Locator;
  /** Text of the newest card, as rendered. */
  cardText(): Promise<string>;
  /**
   * Fills the input labelled `label` in the newest card: text as typed, a date as YYYY-MM-DD, a choice
   * by its title, a multi-select by the titles to tick (the others are unticked). Choices may be radio
   * buttons, checkboxes or a dropdown (ChoiceSet style "compact").
   */
  fill(label: string, value: string | readonly string[]): Promise<void>;
  /** Clicks the button titled `title` in the newest card; waits for `cards` new cards. */
  press(title: string, cards?: number): Promise<Locator>;
  /** Clicks a button that the client refuses to submit (client-side validation); returns at once. */
  pressExpectingNoReply(title: string): Promise<void>;
  /** What the newest card shows for the input labelled `label` (ticked choices' titles, joined by ", "). */
  valueOf(label: string): Promise<string>;
  /** The labels of the inputs the newest card shows, without "(required)". */
  inputLabels(): Promise<string[]>;
  /** Tells `watcher` of every press, fill and say from now on (test/e2e/measure.ts); returns the unwatch. */
  watch(watcher: E2EWatcher): () => void;
  close(): Promise<void>;
}

export interface E2EOptions {
  /** Settings for the bot process on top of env/.env.local (e.g. CHANNEL_ADMINS). */
  readonly botEnv?: Readonly<Record<string, string>>;
  /**
   * The playground's configuration for this scenario, made from .m365agentsplayground.yml (its text in,
   * the text to use out); the file itself is left alone.
   */
  readonly playgroundConfig?: (yaml: string) => string;
}

/**
 * Starts the bot, the playground and Chromium for one scenario. `scenario` names the screenshot
 * folder, which is emptied first.
 */
export async function startE2E(scenario: string, options: E2EOptions = {}): Promise<E2E> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  const shots = path.join(RESULTS, scenario);
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-e2e-'));
  const botPort = await freePort();
  const botUrl = `http://127.0.0.1:${botPort}`;
  let playgroundUrl = '';
  const botEnv: NodeJS.ProcessEnv = {
    ...process.env,
    APP_ENV: 'local',
    PORT: String(botPort),
    DATABASE_FILE: path.join(dir, 'bot.sqlite'),
    LOG_LEVEL: 'info',
    NODE_OPTIONS: '',
    ...options.botEnv,
  };
  const botLog = path.join(shots, 'bot.log');
  let bot: ChildProcess | undefined;
  let playground: ChildProcess | undefined;
  let context: BrowserContext | undefined;

  const playgroundConfigEnv = (): NodeJS.ProcessEnv => {
    if (!options.playgroundConfig) return {};
    const file = path.join(dir, '.m365agentsplayground.yml');
    const yaml = fs.readFileSync(path.join(ROOT, '.m365agentsplayground.yml'), 'utf8');
    fs.writeFileSync(file, options.playgroundConfig(yaml));
    return { M365_AGENTS_PLAYGROUND_CONFIG_PATH: file };
  };

  const startBot = async () => {
    bot = startChild(process.execPath, ['--import', 'tsx', 'src/index.ts'], botEnv, botLog);
    await waitFor(`${botUrl}/healthz`, (b) => b.includes('"ok"'), 'the bot', bot);
  };

  const close = async () => {
    await context?.close().catch(() => undefined);
    await stopChild(playground);
    await stopChild(bot);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await startBot();
    // the playground falls back to a random port if the one asked for is busy, and says which
    let listening: (port: number) => void = () => undefined;
    const playgroundPort = new Promise<number>((resolve) => {
      listening = resolve;
    });
    playground = startChild(
      process.execPath,
      [
        PLAYGROUND_CLI,
        '-e',
        `${botUrl}/api/messages`,
        '-c',
        'msteams',
        '--disable-telemetry',
        '-p',
        String(await freePort()),
      ],
      { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', NODE_OPTIONS: '', ...playgroundConfigEnv() },
      path.join(shots, 'playground.log'),
      (line) => {
        const m = /Listening on (\d+)/.exec(line);
        if (m) listening(Number(m[1]));
      },
    );
    const failed = new Promise<never>((_, reject) => {
      playground?.once('exit', (code) => reject(new Error(`the playground exited (code ${code})`)));
      setTimeout(() => reject(new Error('the playground did not say where it listens')), 60_000).unref();
    });
    failed.catch(() => undefined); // settles after the race too (at close): not an unhandled rejection
    playgroundUrl = `http://localhost:${await Promise.race([playgroundPort, failed])}`;
    await waitFor(`${playgroundUrl}/_debug/ping`, (b) => b.includes('pong'), 'the playground', playground);

    context = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      // tall enough for most section cards to fit whole
      viewport: { width: 1100, height: 2000 },
      timezoneId: 'Europe/London',
      locale: 'en-GB',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.setDefaultTimeout(15_000);
    // the playground's page asks for fonts and animations on a CDN: nothing leaves this machine
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      return url.hostname === 'localhost' || url.hostname === '127.0.0.1' ? route.continue() : route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(playgroundUrl);
    await page.locator('[data-lexical-editor="true"]').waitFor();
    // the bot's welcome card, sent when the playground installs the app in the personal chat
    await page.locator(CARD).first().waitFor();

    let shotNo = 0;
    const card = () => page.locator(CARD).last();
    const watchers = new Set<E2EWatcher>();
    const tell = async (action: E2EAction) => {
      for (const w of watchers) await w(action);
    };

    /** Marks the cards on screen: a card without the mark arrived after this. */
    const markSeen = () =>
      page.evaluate(
        ([sel, attr]) => {
          for (const el of document.querySelectorAll(sel)) el.setAttribute(attr, '1');
        },
        [CARD, SEEN] as const,
      );

    const waitForNewCards = async (count: number) => {
      await page.waitForFunction(
        ([sel, attr, n]) => document.querySelectorAll(`${sel}:not([${attr}])`).length >= n,
        [CARD, SEEN, count] as const,
        { timeout: 20_000 },
      );
      const newest = card();
      await newest.scrollIntoViewIfNeeded();
      return newest;
    };

    /** The element a label in the newest card is for (the label's `for`). */
    const target = async (label: string): Promise<Locator> => {
      // no named helpers inside evaluate(): tsx (esbuild keepNames) would wrap them in __name()
      const id = await card().evaluate((root, wanted) => {
        const labels = [...root.querySelectorAll('label.ac-richTextBlock')].map((l) => ({
          text: (l.textContent ?? '')
            .replace(/\s*\*\s*$/, '')
            // required answers say so in the label, checked by the bot on Next (issue 9)
            .replace(/\s*\(required\)\s*$/, '')
            .replace(/\s+/g, ' ')
            .trim(),
          for: l.getAttribute('for'),
        }));
        const found = labels.find((l) => l.text === wanted);
        if (!found) return `!${labels.map((l) => l.text).join(' | ')}`;
        return found.for ?? '!no for attribute';
      }, label);
      if (id.startsWith('!'))
        throw new Error(`no input labelled "${label}" in the newest card: ${id.slice(1)}`);
      return card().locator(`[id="${id}"]`);
    };

    const e2e: E2E = {
      page,
      botUrl,
      playgroundUrl,
      dir,
      async restartBot() {
        await stopChild(bot, 'SIGKILL');
        await startBot();
      },
      async shot(step, of) {
        shotNo += 1;
        await (of ?? card()).evaluate((el) => el.scrollIntoView({ block: 'start' })).catch(() => undefined);
        const file = path.join(
          shots,
          `${String(shotNo).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`,
        );
        await page.screenshot({ path: file });
        return file;
      },
      async say(text, cards = 1) {
        await tell({ kind: 'chat', target: text, clicks: 0, typed: text.length });
        await markSeen();
        const box = page.locator('[data-lexical-editor="true"]');
        await box.click();
        await page.keyboard.type(text);
        await page.keyboard.press('Enter');
        return waitForNewCards(cards);
      },
      card,
      newCards: () => page.locator(`${CARD}:not([${SEEN}])`),
      cardText: () => card().innerText(),
      async fill(label, value) {
        const el = await target(label);
        const info = await el.evaluate((n) => ({
          tag: n.tagName.toLowerCase(),
          role: n.getAttribute('role') ?? '',
          checkboxes: n.querySelectorAll('input[type="checkbox"]').length,
          dropdown: n.closest('.fui-Combobox') !== null,
        }));
        const titles = typeof value === 'string' ? [value] : value;
        if (info.role === 'radiogroup') {
          // ChoiceSet style "expanded": Fluent radio buttons; the choice's title is the <label>
          if (titles.length !== 1) throw new Error(`"${label}" takes one choice`);
          const radio = el.getByRole('radio', { name: titles[0], exact: true });
          const was = await radio.isChecked();
          await radio.check();
          await tell({ kind: 'radio', target: label, clicks: was ? 0 : 1, typed: 0 });
        } else if (info.dropdown) {
          // ChoiceSet style "compact": a Fluent Combobox whose list (aria-controls, open only while
          // shown) holds role=option items, or role=menuitemcheckbox ones when isMultiSelect
          if ((await el.getAttribute('aria-expanded')) !== 'true') await el.click();
          const list = await el.getAttribute('aria-controls');
          if (!list) throw new Error(`"${label}": the dropdown did not open`);
          const options = page
            .locator(`[id="${list}"]`)
            .locator('[role="option"], [role="menuitemcheckbox"]');
          await options.first().waitFor();
          const shown = await options.evaluateAll((all) =>
            all.map((o) => ({
              title: (o.textContent ?? '').trim(),
              multi: o.getAttribute('role') === 'menuitemcheckbox',
              on: (o.getAttribute('aria-checked') ?? o.getAttribute('aria-selected')) === 'true',
            })),
          );
          const unknown = titles.filter((t) => !shown.some((o) => o.title === t));
          if (unknown.length)
            throw new Error(
              `"${label}" has no choice ${unknown.join(', ')}: ${shown.map((o) => o.title).join(' | ')}`,
            );
          const multi = shown.some((o) => o.multi);
          if (!multi && titles.length !== 1) throw new Error(`"${label}" takes one choice`);
          // a single choice already shown needs no pick; a multi-select is left with exactly `titles`
          const toClick = multi
            ? shown.flatMap((o, i) => (o.on !== titles.includes(o.title) ? [i] : []))
            : (await el.inputValue()) === titles[0]
              ? []
              : [shown.findIndex((o) => o.title === titles[0])];
          for (const i of toClick) await options.nth(i).click();
          if ((await el.getAttribute('aria-expanded')) === 'true') await el.press('Escape');
          await tell({ kind: 'dropdown', target: label, clicks: 2 * toClick.length, typed: 0 });
        } else if (info.checkboxes > 0) {
          // isMultiSelect: checkboxes without value attributes, named by the choice's title
          const boxes = el.locator('input[type="checkbox"]');
          const names = await boxes.evaluateAll((all) => all.map((b) => b.getAttribute('aria-label') ?? ''));
          const unknown = titles.filter((t) => !names.includes(t));
          if (unknown.length)
            throw new Error(`"${label}" has no choice ${unknown.join(', ')}: ${names.join(' | ')}`);
          const was = await boxes.evaluateAll((all) => all.map((b) => (b as HTMLInputElement).checked));
          for (const [i, name] of names.entries()) {
            if (titles.includes(name)) await boxes.nth(i).check();
            else await boxes.nth(i).uncheck();
          }
          const changed = names.filter((name, i) => was[i] !== titles.includes(name)).length;
          await tell({ kind: 'checkbox', target: label, clicks: changed, typed: 0 });
        } else if (info.role === 'combobox') {
          // Input.Date is a Fluent DatePicker with a text box that parses what is typed as the
          // browser's Date does (so 10/05/2026 would be 5 October): type the date as it shows it
          const iso = titles[0] ?? '';
          const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
          const shown = iso
            ? new Date(y, m - 1, d).toLocaleDateString('en-US', {
                month: 'long',
                day: 'numeric',
                year: 'numeric',
              })
            : '';
          const was = await el.inputValue();
          await el.fill(shown);
          await el.press('Tab');
          await tell({ kind: 'date', target: label, clicks: 0, typed: was === shown ? 0 : shown.length });
        } else {
          const was = await el.inputValue();
          await el.fill(titles[0] ?? '');
          const typed = was === (titles[0] ?? '') ? 0 : (titles[0] ?? '').length;
          await tell({ kind: 'text', target: label, clicks: 0, typed });
        }
      },
      async press(title, cards = 1) {
        await tell({ kind: 'button', target: title, clicks: 1, typed: 0 });
        await markSeen();
        await card().getByRole('button', { name: title, exact: true }).click();
        return waitForNewCards(cards);
      },
      async pressExpectingNoReply(title) {
        await tell({ kind: 'button', target: title, clicks: 1, typed: 0 });
        await card().getByRole('button', { name: title, exact: true }).click();
      },
      inputLabels: () =>
        card().evaluate((root) =>
          [...root.querySelectorAll('label.ac-richTextBlock')].map((l) =>
            (l.textContent ?? '')
              .replace(/\s*\*\s*$/, '')
              .replace(/\s*\(required\)\s*$/, '')
              .replace(/\s+/g, ' ')
              .trim(),
          ),
        ),
      async valueOf(label) {
        const el = await target(label);
        // choices: the titles of the ticked ones; dates: as the DatePicker shows them
        return el.evaluate((n) =>
          n.tagName === 'DIV'
            ? [...n.querySelectorAll<HTMLInputElement>('input:checked')]
                .map((i) => n.querySelector(`label[for="${i.id}"]`)?.textContent ?? '')
                .join(', ')
            : (n as HTMLInputElement).value,
        );
      },
      watch(watcher) {
        watchers.add(watcher);
        return () => {
          watchers.delete(watcher);
        };
      },
      close,
    };
    return e2e;
  } catch (err) {
    await close();
    throw err;
  }
}
