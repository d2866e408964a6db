// Accessibility and responsiveness of the app in real Chromium, against its own local stack
// (test/app/stack.ts). Every page, signed out and signed in as whoever uses it, in English and in
// Ukrainian, with data as long as the app allows (a 32-character code, a 128-character order
// reference): axe-core's WCAG 2.0/2.1 A and AA rules find no serious or critical violation once
// the page has finished loading, at a desktop's width and at a phone's (375 × 740, where wide
// tables scroll); at the phone's width nothing overflows the page sideways and the page's heading
// and primary action are on screen; at neither is text squeezed into a sliver of a column. The
// keyboard: Tab reaches the skip link first, Enter on it puts focus on <main>, and every tab stop
// shows a focus indicator. Loading and errors: the dashboard says what it is loading, and with its
// API failing shows error notices (role="alert") with a retry that works; the verify page with
// the chain's RPC unreachable shows an error, not an empty result. Screenshots of every page go to
// .test-results/app-screenshots/NN-quality-*.png.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { rewards } from "../../server/db/schema.ts";
import { TestClient } from "../../server/test/harness.ts";
import { wayforpayCallback } from "../../server/test/payment-fixtures.ts";
import { launchBrowser, screenshotDir, type TestBrowser } from "./browser.ts";
import { openPage, text, UI_TIMEOUT_MS, until } from "./helpers.ts";
import { type AppStack, startAppStack } from "./stack.ts";
import { installWallet } from "./wallet.ts";

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const LANGUAGES = ["en", "uk"] as const;
type Language = (typeof LANGUAGES)[number];
const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
/** Tab stops checked for a focus indicator on each page (the brief asks for at least 15). */
const TAB_STOPS = 20;
const suffix = randomBytes(3).toString("hex");
/** An order nobody placed, as long as a reference may be (128 characters): the verify page must
 *  wrap it, not widen the page. */
const LONG_UNKNOWN_ORDER = `ord_unknown_${suffix}_${"0123456789".repeat(13)}`.slice(0, 128);

/** Who looks at a page: signed out (a wallet installed but not connected), or signed in by the
 *  session cookie of a real SIWE sign-in through the API. */
type Who = "visitor" | "referrer" | "buyer" | "admin";

interface PageCase {
  name: string;
  who: Who;
  path: () => string;
  /** A real element of the page that is there once its data has arrived. */
  ready: (page: Page, language: Language) => Locator[];
  /** The page's primary action. */
  primary: (page: Page, language: Language) => Locator;
}

interface Tab {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

describe("the app's accessibility and responsiveness in Chromium", { timeout: 900_000 }, () => {
  let stack: AppStack;
  let browser: TestBrowser;
  let adminApi: TestClient;
  let rpcUrl: string;
  const sessions = new Map<Who, { key: Hex; cookies: Map<string, string> }>();
  const data = {
    code: "",
    unknownCode: `Nobody${suffix}`.padEnd(32, "W"), // as long as a code may be
    paidOrder: "",
    pendingOrder: "",
    buyerOrder: "",
  };
  const db = () => stack.server.deps.db;
  const rewardOf = async (orderReference: string) =>
    (await db().select().from(rewards).where(eq(rewards.orderReference, orderReference)))[0];

  /** A referred buyer's order (through the referrer's code), created by a fresh user. */
  async function referredBuyer(amountMinor: number) {
    const client = new TestClient(stack.url);
    client.cookies.set("ring_ref", data.code);
    const { session } = await stack.signIn(generatePrivateKey(), client);
    const created = await client.post("/api/orders", { amountMinor, currency: "USD" });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.referral.attribution, "accepted", JSON.stringify(created.body.referral));
    return { client, userId: session.userId as string, orderReference: created.body.orderReference as string };
  }

  before(async () => {
    stack = await startAppStack({ log: (line) => console.log(`# stack: ${line}`) });
    browser = await launchBrowser({ screenshots: false }); // app.test.ts's screenshots stay
    mkdirSync(screenshotDir, { recursive: true });
    for (const file of readdirSync(screenshotDir)) {
      if (file.includes("-quality-")) rmSync(join(screenshotDir, file), { force: true });
    }
    rpcUrl = ((await new TestClient(stack.url).get("/api/app-config")).body as { rpcUrl: string }).rpcUrl;
    const keys: Record<Who, Hex> = {
      visitor: generatePrivateKey(),
      referrer: anvilKeys.alice,
      buyer: anvilKeys.bob,
      admin: anvilKeys.deployer,
    };
    for (const [who, key] of Object.entries(keys) as [Who, Hex][]) {
      const cookies = who === "visitor" ? new Map<string, string>() : (await stack.signIn(key)).client.cookies;
      sessions.set(who, { key, cookies });
    }
    adminApi = new TestClient(stack.url);
    for (const [name, value] of sessions.get("admin")!.cookies) adminApi.cookies.set(name, value);
    const referrerApi = new TestClient(stack.url);
    for (const [name, value] of sessions.get("referrer")!.cookies) referrerApi.cookies.set(name, value);

    // 1 token = 1 USD, so rewards are sized at once.
    const source = await adminApi.request("PUT", "/api/admin/price-sources/USD", { json: { kind: "desk" } });
    assert.equal(source.status, 200, JSON.stringify(source.body));
    const rate = await adminApi.request("PUT", "/api/admin/desk-rates/USD", { json: { answer: "1", decimals: 0 } });
    assert.equal(rate.status, 200, JSON.stringify(rate.body));

    // The referrer's code, a reward of it paid with credit and minted (the dashboard's rewards
    // table and the verify page's on-chain result), and one waiting for approval (the admin's queue).
    // As long as a code may be (32 characters, of the widest letter), so every page that shows it
    // has to make room for it.
    const created = await referrerApi.post("/api/refcodes", { vanity: `Qa${suffix}`.padEnd(32, "W") });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    data.code = created.body.code as string;

    const paid = await referredBuyer(4900);
    const grant = await adminApi.post("/api/admin/credit/grants", {
      userId: paid.userId,
      currency: "USD",
      amountMinor: 4900,
    });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const payment = await paid.client.post(`/api/orders/${paid.orderReference}/pay-with-credit`);
    assert.equal(payment.status, 200, JSON.stringify(payment.body));
    data.paidOrder = paid.orderReference;
    const mint = await adminApi.post("/api/admin/mint");
    assert.equal(mint.status, 200, JSON.stringify(mint.body));
    await until("the credit order's reward minted", async () => (await rewardOf(data.paidOrder))?.state === "minted", {
      timeoutMs: 60_000,
    });

    const pending = await referredBuyer(2500);
    const delivered = await new TestClient(stack.url).request("POST", "/api/webhooks/wayforpay", {
      body: wayforpayCallback({
        orderReference: pending.orderReference,
        amount: "25.00",
        currency: "USD",
        transactionStatus: "Approved",
        processingDate: Math.floor(Date.now() / 1000),
      }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    await stack.server.app.payments.idle();
    await until(
      "the card order's reward waiting for approval",
      async () => (await rewardOf(pending.orderReference))?.state === "pending_approval",
    );
    data.pendingOrder = pending.orderReference;

    // The buyer has credit, so the store shows a balance and enabled buttons.
    const buyerGrant = await adminApi.post("/api/admin/credit/grants", {
      wallet: privateKeyToAccount(anvilKeys.bob).address,
      currency: "USD",
      amountMinor: 100_000,
    });
    assert.equal(buyerGrant.status, 201, JSON.stringify(buyerGrant.body));
    // ...and an order waiting to be paid (the store's order panel, with the card checkout open).
    const buyerApi = new TestClient(stack.url);
    for (const [name, value] of sessions.get("buyer")!.cookies) buyerApi.cookies.set(name, value);
    const buyerOrder = await buyerApi.post("/api/orders", { amountMinor: 1250, currency: "USD" });
    assert.equal(buyerOrder.status, 201, JSON.stringify(buyerOrder.body));
    data.buyerOrder = buyerOrder.body.orderReference as string;
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh browser context for `who` in `language` at `viewport`, with the test wallet
   *  installed (not connected) and, when `who` is signed in, the session cookie. */
  async function open(
    who: Who,
    language: Language,
    viewport: { width: number; height: number },
    phone = false,
  ): Promise<Tab> {
    const session = sessions.get(who)!;
    const context = await browser.newContext({
      bypassCSP: true, // axe is injected as an inline script, which the app's CSP refuses
      viewport,
      locale: language === "uk" ? "uk-UA" : "en-US",
      ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    await context.addInitScript((lng) => localStorage.setItem("refcodes.language", lng), language);
    if (session.cookies.size > 0) {
      await context.addCookies([...session.cookies].map(([name, value]) => ({ name, value, url: stack.url })));
    }
    await installWallet(context, { rpcUrl: stack.anvil.rpcUrl, chainId: stack.deployment.chainId, key: session.key });
    const { page, errors } = await openPage(context);
    return { context, page, errors };
  }

  /** Runs `body` on a fresh tab and closes it; a failure carries the page's errors and leaves a
   *  screenshot. */
  async function withTab(
    name: string,
    options: { who: Who; language: Language; phone?: boolean },
    body: (tab: Tab) => Promise<void>,
  ) {
    const tab = await open(options.who, options.language, options.phone ? PHONE : DESKTOP, options.phone);
    try {
      await body(tab);
    } catch (error) {
      await browser.screenshot(tab.page, `quality-${name}-FAILED`);
      if (error instanceof Error && tab.errors.length > 0) {
        error.message += `\n  page errors:\n    ${tab.errors.slice(-10).join("\n    ")}`;
      }
      throw error;
    } finally {
      await tab.context.close().catch(() => undefined);
    }
  }

  const visit = (page: Page, path: string) => page.goto(new URL(path, stack.url).href);

  /** The page has finished loading: its own elements are there, <html lang> is the language,
   *  and nothing in <main> is still loading (no spinner, no aria-busy). */
  async function settled(page: Page, language: Language, ready: Locator[]) {
    for (const locator of ready) await locator.first().waitFor();
    await until(
      "the page to finish loading",
      () =>
        page.evaluate(
          (lng) =>
            document.documentElement.lang === lng &&
            document.querySelector("main .spinner, main [aria-busy='true']") === null,
          language,
        ),
      { timeoutMs: UI_TIMEOUT_MS },
    );
  }

  const t = (module: string, key: string, language: Language, values: Record<string, string | number> = {}) =>
    text(module, key, values, language);
  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

  const pages: PageCase[] = [
    {
      name: "landing",
      who: "visitor",
      path: () => "/",
      ready: (page) => [page.locator("main h1"), page.getByTestId("wallet-panel").getByRole("button")],
      primary: (page, lng) => page.getByRole("link", { name: t("landing", "cta.store", lng), exact: true }),
    },
    {
      name: "landing-valid-code",
      who: "visitor",
      path: () => `/r/${data.code}`,
      ready: (page) => [page.getByTestId("referrer")],
      primary: (page, lng) => page.getByRole("link", { name: t("landing", "cta.store", lng), exact: true }),
    },
    {
      name: "landing-unknown-code",
      who: "visitor",
      path: () => `/r/${data.unknownCode}`,
      ready: (page, lng) => [page.getByText(t("landing", "referral.unknown", lng, { code: data.unknownCode }))],
      primary: (page, lng) => page.getByRole("link", { name: t("landing", "cta.store", lng), exact: true }),
    },
    {
      name: "store-signed-out",
      who: "visitor",
      path: () => "/store",
      ready: (page) => [page.getByTestId("store-sign-in"), page.getByTestId("wallet-panel").getByRole("button")],
      primary: (page, lng) => button(page, t("store", "buy.credit", lng)).first(),
    },
    {
      name: "store-buyer",
      who: "buyer",
      path: () => "/store",
      ready: (page) => [page.getByTestId("credit-balance")],
      primary: (page, lng) => button(page, t("store", "buy.credit", lng)).first(),
    },
    {
      name: "store-order",
      who: "buyer",
      path: () => `/store?order=${encodeURIComponent(data.buyerOrder)}&pay=card`,
      ready: (page, lng) => [
        page.getByTestId("order-status"),
        page.getByTestId("credit-balance"),
        button(page, t("store", "checkout.continue", lng)),
      ],
      primary: (page, lng) => button(page, t("store", "order.payCredit", lng)),
    },
    {
      name: "verify-paid-order",
      who: "visitor",
      path: () => `/verify?order=${encodeURIComponent(data.paidOrder)}`,
      ready: (page) => [
        page.getByTestId("paid-event"),
        page.getByTestId("server-comparison"),
        page.getByTestId("ledger-verdict"),
      ],
      primary: (page, lng) => button(page, t("verify", "form.submit", lng)),
    },
    {
      name: "verify-unknown-order",
      who: "visitor",
      path: () => `/verify?order=${LONG_UNKNOWN_ORDER}`,
      ready: (page) => [page.getByTestId("verify-result"), page.getByTestId("server-comparison")],
      primary: (page, lng) => button(page, t("verify", "form.submit", lng)),
    },
    {
      name: "dashboard-referrer",
      who: "referrer",
      path: () => "/dashboard",
      ready: (page) => [
        page.getByTestId("codes").locator(`[data-code="${data.code}"]`),
        page.getByTestId("funnel-totals"),
        page.locator(`[data-testid="rewards"] tr[data-order="${data.paidOrder}"]`),
      ],
      primary: (page, lng) => button(page, t("dashboard", "create.submit", lng)),
    },
    {
      name: "dashboard-signed-out",
      who: "visitor",
      path: () => "/dashboard",
      ready: (page) => [page.getByTestId("sign-in-prompt"), page.getByTestId("wallet-panel").getByRole("button")],
      primary: (page, lng) => button(page, t("dashboard", "signIn.goToWallet", lng)),
    },
    {
      name: "admin",
      who: "admin",
      path: () => "/admin",
      ready: (page) => [
        page.getByLabel(new RegExp(data.pendingOrder)),
        page.getByTestId("contract-paused"),
        page.getByTestId("contract-limits"),
        page.locator("[data-testid='reconciliation'][data-ok]"),
      ],
      primary: (page, lng) => button(page, t("admin", "mint.button", lng)),
    },
  ];

  describe(`at a desktop's width (${DESKTOP.width} × ${DESKTOP.height}): no serious or critical axe-core violation, no squeezed text`, () => {
    for (const pageCase of pages) {
      for (const language of LANGUAGES) {
        it(`${pageCase.name} (${language})`, async () => {
          await withTab(`axe-${language}-${pageCase.name}`, { who: pageCase.who, language }, async ({ page }) => {
            await visit(page, pageCase.path());
            await settled(page, language, pageCase.ready(page, language));
            await assertAxeClean(page, `${pageCase.name} (${language})`);
            const squeezed = await page.evaluate(squeezedText);
            assert.deepEqual(squeezed, [], `text squeezed to a few characters a line:\n  ${squeezed.join("\n  ")}`);
            await browser.screenshot(page, `quality-desktop-${language}-${pageCase.name}`);
          });
        });
      }
    }
  });

  describe(`at a phone's width (${PHONE.width} × ${PHONE.height})`, () => {
    for (const pageCase of pages) {
      for (const language of LANGUAGES) {
        it(`${pageCase.name} (${language}) fits the screen, with its heading and primary action on it, and passes axe`, async () => {
          const name = `phone-${language}-${pageCase.name}`;
          await withTab(name, { who: pageCase.who, language, phone: true }, async ({ page }) => {
            await visit(page, pageCase.path());
            await settled(page, language, pageCase.ready(page, language));
            const layout = await page.evaluate(overflowReport, PHONE.width);
            assert.ok(
              layout.scrollWidth <= PHONE.width && layout.innerWidth === PHONE.width,
              `the page is ${layout.scrollWidth}px wide (layout viewport ${layout.innerWidth}px) on a ` +
                `${PHONE.width}px screen; sticking out:\n  ${layout.offenders.join("\n  ")}`,
            );
            const squeezed = await page.evaluate(squeezedText);
            assert.deepEqual(squeezed, [], `text squeezed to a few characters a line:\n  ${squeezed.join("\n  ")}`);
            const heading = page.locator("main h1");
            assert.equal(await heading.count(), 1, "one main heading");
            await assertOnScreen(heading, "the main heading", { withoutScrolling: true });
            await assertOnScreen(pageCase.primary(page, language), "the primary action");
            // Tables that fit a desktop scroll here: axe checks them again (a scrolling region
            // must be reachable by keyboard).
            await assertAxeClean(page, `${pageCase.name} (${language}, phone)`);
            await browser.screenshot(page, `quality-${name}`);
          });
        });
      }
    }
  });

  describe("the keyboard", () => {
    const keyboardPages = [
      {
        name: "store",
        who: "visitor" as const,
        path: "/store",
        ready: (page: Page) => page.getByTestId("store-sign-in"),
      },
      {
        name: "dashboard",
        who: "referrer" as const,
        path: "/dashboard",
        ready: (page: Page) => page.getByTestId("codes").locator(`[data-code="${data.code}"]`),
      },
    ];
    for (const keyboardPage of keyboardPages) {
      it(`${keyboardPage.name}: Tab reaches the skip link first, Enter on it focuses <main>, and every tab stop shows focus`, async () => {
        await withTab(`keyboard-${keyboardPage.name}`, { who: keyboardPage.who, language: "en" }, async ({ page }) => {
          const load = async () => {
            await visit(page, keyboardPage.path);
            await settled(page, "en", [keyboardPage.ready(page)]);
            await page.evaluate(installQaHelpers);
          };

          await load();
          await page.keyboard.press("Tab");
          const first = await page.evaluate(() => {
            const active = document.activeElement as HTMLElement | null;
            return {
              isSkipLink: active?.classList.contains("skip-link") ?? false,
              text: active?.textContent?.trim(),
              visible: active ? active.getBoundingClientRect().left >= 0 : false,
            };
          });
          assert.ok(first.isSkipLink, `the first tab stop is the skip link (got ${JSON.stringify(first.text)})`);
          assert.equal(first.text, text("common", "nav.skip"));
          assert.ok(first.visible, "the focused skip link is on screen");
          await page.keyboard.press("Enter");
          await until("focus on <main>", () =>
            page.evaluate(() => document.activeElement === document.querySelector("main")),
          );
          await page.keyboard.press("Tab");
          // The next Tab goes on from <main>: to the first tab stop after it, or, when nothing
          // after it takes focus (the signed-out store's buttons are disabled), out of the page.
          const next = await page.evaluate(() => {
            const main = document.querySelector("main")!;
            const { tabStops, describeElement } = (window as unknown as { __qa: QaHelpers }).__qa;
            const stops = tabStops();
            const expected = stops.find(
              (element) =>
                main.contains(element) || main.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING,
            );
            const active = document.activeElement;
            const gone = !active || active === document.body;
            return {
              ok: expected ? active === expected : gone || active === stops[0],
              expected: expected ? describeElement(expected) : "none: out of the page",
              got: gone ? "nothing" : describeElement(active!),
            };
          });
          assert.ok(next.ok, `the Tab after the skip link goes to ${next.expected}, not ${next.got}`);

          // From the top again: each tab stop against its own unfocused look.
          await load();
          const available = await page.evaluate(() => {
            const helpers = (window as unknown as { __qa: QaHelpers }).__qa;
            helpers.markFocusables();
            return helpers.tabStops().length;
          });
          const stops: { index: string; label: string }[] = [];
          const failures: string[] = [];
          for (let i = 0; i < TAB_STOPS; i++) {
            await page.keyboard.press("Tab");
            const stop = await page.evaluate(() => (window as unknown as { __qa: QaHelpers }).__qa.focusedStyle());
            if (!stop) break; // focus left the document (past the last tab stop)
            if (stops.length > 0 && stop.index === stops[0]!.index) break; // round the page and back
            stops.push({ index: stop.index, label: stop.label });
            if (!stop.known) failures.push(`${stop.label}: was not in the page when it loaded`);
            else if (!stop.indicator) failures.push(`${stop.label}: no focus indicator (${stop.detail})`);
            else if (!stop.visible) failures.push(`${stop.label}: focused but not visible`);
          }
          const labels = stops.map((stop) => stop.label).join(", ");
          console.log(`${keyboardPage.name}: ${stops.length} tab stops checked: ${labels}`);
          const wanted = Math.min(TAB_STOPS, available);
          assert.ok(
            stops.length >= Math.min(15, available) && stops.length >= wanted,
            `${wanted} of the page's ${available} tab stops reached (got ${stops.length}: ${labels})`,
          );
          assert.equal(
            new Set(stops.map((stop) => stop.index)).size,
            stops.length,
            `no tab stop twice in the first ${stops.length}: ${labels}`,
          );
          assert.deepEqual(failures, [], `tab stops without a visible focus indicator:\n  ${failures.join("\n  ")}`);
        });
      });
    }
  });

  describe("loading and error states", () => {
    it("the dashboard says it is loading while its API is slow, shows error notices with a retry when it fails, then recovers", async () => {
      await withTab("error-dashboard", { who: "referrer", language: "en" }, async ({ page }) => {
        const failing = { on: true };
        let answer!: () => void;
        const held = new Promise<void>((resolve) => (answer = resolve));
        const fail = (what: string) => async (route: import("playwright-core").Route) => {
          if (!failing.on) return route.fallback();
          await held; // the first answers wait until the test has seen the loading state
          await route.fulfill({
            status: 500,
            contentType: "application/json",
            body: JSON.stringify({ error: "internal", message: `${what} is down (test)` }),
          });
        };
        await page.route((url) => url.pathname.startsWith("/api/rewards"), fail("rewards"));
        await page.route((url) => url.pathname === "/graphql", fail("analytics"));
        await visit(page, "/dashboard");
        await page.getByTestId("codes").locator(`[data-code="${data.code}"]`).waitFor();
        const sections = {
          rewards: page.locator("section[aria-labelledby='rewards-heading']"),
          adjustments: page.locator("section[aria-labelledby='adjustments-heading']"),
          funnel: page.locator("section[aria-labelledby='funnel-heading']"),
        };
        for (const [name, section] of Object.entries(sections)) {
          const loading = section.getByRole("status");
          await loading.waitFor();
          assert.equal(
            (await loading.innerText()).trim(),
            text("dashboard", `${name}.loading`),
            `${name}: says what is loading while it waits`,
          );
        }
        await browser.screenshot(page, "quality-loading-dashboard");
        answer();
        for (const [name, section] of Object.entries(sections)) {
          const alert = section.getByRole("alert");
          await alert.waitFor();
          const shown = await alert.innerText();
          assert.ok(shown.includes(text("common", "status.error")), `${name}: the notice says something went wrong`);
          assert.ok(shown.includes("is down (test)"), `${name}: the server's message is shown: ${shown}`);
          assert.ok(
            await alert.getByRole("button", { name: text("common", "status.retry") }).isVisible(),
            `${name}: retry`,
          );
        }
        assert.equal(await page.getByTestId("rewards").count(), 0, "no rewards table while the API fails");
        await assertAxeClean(page, "the dashboard with its API failing");
        await browser.screenshot(page, "quality-error-dashboard");

        failing.on = false;
        await sections.rewards.getByRole("button", { name: text("common", "status.retry") }).click();
        await page.locator(`[data-testid="rewards"] tr[data-order="${data.paidOrder}"]`).waitFor();
        assert.equal(await sections.rewards.getByRole("alert").count(), 0, "the retry replaced the notice");
        await sections.funnel.getByRole("button", { name: text("common", "status.retry") }).click();
        await page.getByTestId("funnel-totals").waitFor();
      });
    });

    it("the verify page with the chain's RPC unreachable shows an error with a retry, not an empty result", async () => {
      await withTab("error-verify", { who: "visitor", language: "en" }, async ({ page }) => {
        const rpc = new URL(rpcUrl);
        await page.route(
          (url) => url.host === rpc.host && url.pathname === rpc.pathname,
          (route) => route.abort("connectionrefused"),
        );
        await visit(page, `/verify?order=${encodeURIComponent(data.paidOrder)}`);
        const results = page.locator(".verify-results");
        const alert = results.getByRole("alert").first();
        await alert.waitFor({ timeout: 30_000 });
        assert.ok((await alert.innerText()).includes(text("common", "status.error")), await alert.innerText());
        assert.ok(await alert.getByRole("button", { name: text("common", "status.retry") }).isVisible(), "retry");
        assert.equal(await page.getByTestId("verify-result").count(), 0, "no on-chain result without the chain");
        // The server's own reading is still shown, apart from the browser's.
        await page.getByTestId("server-verdict").waitFor();
        await assertAxeClean(page, "the verify page without the chain");
        await browser.screenshot(page, "quality-error-verify");

        await page.unrouteAll();
        await alert.getByRole("button", { name: text("common", "status.retry") }).click();
        await page.getByTestId("paid-event").waitFor();
      });
    });
  });
});

/** Runs axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now; fails on any serious or
 *  critical violation, listing each with its targets; logs the lesser ones. */
async function assertAxeClean(page: Page, what: string) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<any> } }).axe;
    const run = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return { violations: run.violations as AxeViolation[], passes: (run.passes as unknown[]).length };
  }, WCAG_TAGS);
  assert.ok(result.passes > 0, `axe ran its rules on ${what}`);
  const blocking = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result.violations.filter((v) => !blocking.includes(v)))
    console.log(`${what}: ${describeViolation(v)}`);
  assert.equal(
    blocking.length,
    0,
    `${blocking.length} serious/critical axe violation(s) on ${what}:\n${blocking.map(describeViolation).join("\n")}`,
  );
}

function describeViolation(v: AxeViolation): string {
  const targets = v.nodes
    .slice(0, 8)
    .map(
      (node) =>
        `      ${JSON.stringify(node.target)}${node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, " ")}` : ""}`,
    )
    .join("\n");
  const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : "";
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets}${more}`;
}

/** Asserts `locator` is rendered, inside the phone's width, and not covered by anything; scrolled
 *  to first unless `withoutScrolling` (then it must be on the first screen). */
async function assertOnScreen(locator: Locator, what: string, options: { withoutScrolling?: boolean } = {}) {
  await locator.waitFor();
  if (!options.withoutScrolling) await locator.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const state = await locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const x = box.left + Math.min(box.width / 2, 10);
    const y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    return {
      box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom, width: box.width, height: box.height },
      viewport: { width: window.innerWidth, height: window.innerHeight },
      uncovered: hit !== null && (hit === element || element.contains(hit)),
      hit: hit
        ? `${hit.tagName.toLowerCase()}${hit.className ? `.${String(hit.className).split(" ").join(".")}` : ""}`
        : null,
      text: (element as HTMLElement).innerText?.slice(0, 60),
    };
  });
  const where = `${what} ${JSON.stringify(state.text)} at ${JSON.stringify(state.box)}`;
  assert.ok(state.box.width > 0 && state.box.height > 0, `${where} is rendered`);
  assert.ok(
    state.box.left >= 0 && state.box.right <= state.viewport.width + 0.5,
    `${where} is within the screen's width`,
  );
  assert.ok(state.box.top >= -0.5 && state.box.bottom <= state.viewport.height + 0.5, `${where} is on the screen`);
  assert.ok(state.uncovered, `${where} is not covered (the point hits ${state.hit})`);
}

/** In the page: the document's width, and the elements that stick out of the viewport without
 *  being inside a box that scrolls or clips them. */
function overflowReport(width: number) {
  const clipped = (element: Element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      const overflowX = getComputedStyle(parent).overflowX;
      if (overflowX !== "visible") return parent.getBoundingClientRect().right <= width + 0.5;
    }
    return false;
  };
  const describe = (element: Element) => {
    const id = element.id ? `#${element.id}` : "";
    const classes = element.classList.length ? `.${[...element.classList].join(".")}` : "";
    const testId = element.getAttribute("data-testid");
    return `${element.tagName.toLowerCase()}${id}${classes}${testId ? `[data-testid=${testId}]` : ""}`;
  };
  const offenders: string[] = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5 || clipped(element)) continue;
    const parent = element.parentElement;
    // Only the outermost element that sticks out: its children stick out because it does.
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5 && !clipped(parent)) {
      continue;
    }
    offenders.push(
      `${describe(element)} (right edge ${Math.round(box.right)}px): ${JSON.stringify((element as HTMLElement).innerText?.slice(0, 50) ?? "")}`,
    );
    if (offenders.length >= 12) break;
  }
  // Text that overflows its own box (a long word in a narrow paragraph) widens the page too,
  // while every element's box stays inside.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node && offenders.length < 12; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.textContent?.trim() || parent.getBoundingClientRect().right > width + 0.5) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5 || clipped(node as unknown as Element)) continue;
    offenders.push(
      `text in ${describe(parent)} (right edge ${Math.round(box.right)}px): ${JSON.stringify(node.textContent.trim().slice(0, 50))}`,
    );
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders };
}

/** In the page: text squeezed into a column too narrow for it, a few characters a line (a grid
 *  or flex track shrunk to nothing). */
function squeezedText() {
  const found: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node && found.length < 12; node = walker.nextNode()) {
    const text = node.textContent?.trim() ?? "";
    if (text.length < 12 || !node.parentElement?.checkVisibility()) continue;
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    if (lines >= text.length / 4) {
      found.push(`${node.parentElement.tagName.toLowerCase()} (${lines} lines): ${JSON.stringify(text.slice(0, 50))}`);
    }
  }
  return found;
}

interface QaHelpers {
  describeElement(element: Element): string;
  tabStops(): HTMLElement[];
  markFocusables(): void;
  focusedStyle(): {
    index: string;
    label: string;
    known: boolean;
    indicator: boolean;
    visible: boolean;
    detail: string;
  } | null;
}
/** In the page: the keyboard checks' helpers, as window.__qa. */
function installQaHelpers() {
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable='true']";

  const describeElement = (element: Element) => {
    const html = element as HTMLElement;
    const name =
      html.getAttribute("aria-label") ||
      (html as HTMLInputElement).labels?.[0]?.innerText ||
      html.innerText ||
      (html as HTMLInputElement).value ||
      "";
    const classes = html.classList.length > 0 ? `.${[...html.classList].join(".")}` : "";
    return `${html.tagName.toLowerCase()}${classes} ${JSON.stringify(name.trim().replace(/\s+/g, " ").slice(0, 40))}`;
  };

  /** What Tab can reach, in document order (no positive tabindex in the app): enabled, rendered,
   *  not tabindex=-1, one radio per group. */
  const tabStops = () => {
    const groups = new Set<string>();
    return [...document.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => {
      if (element.tabIndex < 0 || (element as HTMLButtonElement).disabled) return false;
      if (!element.checkVisibility({ visibilityProperty: true })) return false;
      if (element instanceof HTMLInputElement && element.type === "radio") {
        if (groups.has(element.name)) return false;
        groups.add(element.name);
      }
      return true;
    });
  };

  /** Tags every element that can take focus with its unfocused outline and shadow, while
   *  nothing is focused. */
  const markFocusables = () => {
    (document.activeElement as HTMLElement | null)?.blur?.();
    let n = 0;
    for (const element of document.querySelectorAll<HTMLElement>(FOCUSABLE)) {
      const style = getComputedStyle(element);
      element.dataset.qaFocus = String(n++);
      element.dataset.qaUnfocused = JSON.stringify({
        outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
        boxShadow: style.boxShadow,
      });
    }
  };

  /** The focused element, and whether its outline or box-shadow now differs from its unfocused
   *  look (and is something one can see). */
  const focusedStyle = () => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body || element === document.documentElement) return null;
    const label = describeElement(element);
    if (element.dataset.qaUnfocused === undefined) {
      return { index: label, label, known: false, indicator: false, visible: false, detail: "" };
    }
    const before = JSON.parse(element.dataset.qaUnfocused) as { outline: string; boxShadow: string };
    const style = getComputedStyle(element);
    const outline = `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
    const outlineShown = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadowShown = style.boxShadow !== "none";
    const indicator =
      (outlineShown && outline !== before.outline) || (shadowShown && style.boxShadow !== before.boxShadow);
    const box = element.getBoundingClientRect();
    return {
      index: element.dataset.qaFocus!,
      label,
      known: true,
      indicator,
      visible: box.width > 0 && box.height > 0 && box.right > 0 && box.left < window.innerWidth,
      detail: `outline ${before.outline} → ${outline}; box-shadow ${before.boxShadow} → ${style.boxShadow}`,
    };
  };

  (window as unknown as { __qa: QaHelpers }).__qa = { describeElement, tabStops, markFocusables, focusedStyle };
}
