// The app end to end in real Chromium against a real local stack (test/app/stack.ts): anvil with
// the contracts, the built app served by the server, PostgreSQL, the Ponder indexer. Wallets are
// injected EIP-1193 providers backed by anvil keys (test/app/wallet.ts). The story runs in order:
// a visitor arrives through a ref link, the referrer signs in and creates a code, a buyer buys
// with credit, the admin approves and mints, the referrer sees the payout, the auditor verifies it
// on-chain, the admin pauses and unpauses the contract from the wallet, the app switches to
// Ukrainian. Then the wallet's awkward states: wrong chain, locked,
// rejected signature, another account. Every step checks the real outcome (database rows, chain
// state, the indexer), not only the page's words, and leaves a screenshot in
// .test-results/app-screenshots/. A step whose prerequisite failed in the UI gets it through the
// API instead, so each page's test fails only for that page.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { BrowserContext, Page } from "playwright-core";
import { type Address, type Hex, keccak256, parseEventLogs, stringToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi, rewardTokenAbi } from "../../deployments/abi.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import {
  creditBalances,
  orders,
  refcodes,
  refcodeVisitDays,
  refcodeVisitors,
  rewards,
  wallets,
} from "../../server/db/schema.ts";
import { TestClient } from "../../server/test/harness.ts";
import { wayforpayCallback } from "../../server/test/payment-fixtures.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";
import { openPage, showsHash, text, textsMatching, until } from "./helpers.ts";
import { type AppStack, startAppStack } from "./stack.ts";
import { installWallet, type TestWallet, type TestWalletOptions } from "./wallet.ts";

const address = (key: Hex): Address => privateKeyToAccount(key).address;
const ALICE = address(anvilKeys.alice); // the referrer
const BOB = address(anvilKeys.bob); // the buyer
/** Currencies the buyer gets credit in and the admin prices (the store sells in one of them). */
const CURRENCIES = ["USD", "EUR", "UAH"] as const;
const CREDIT_MINOR = 1_000_000;
const short = (wallet: string) => `${wallet.slice(0, 6)}…${wallet.slice(-4)}`;
const suffix = randomBytes(3).toString("hex");

interface Persona {
  name: string;
  context: BrowserContext;
  page: Page;
  wallet: TestWallet | undefined;
  /** Uncaught page errors and console errors, for failure messages. */
  errors: string[];
}

describe("the app in Chromium", { timeout: 900_000 }, () => {
  let stack: AppStack;
  let browser: TestBrowser;
  let admin: TestClient; // the admin's API session, for setup and checks
  let aliceApi: TestClient;
  const db = () => stack.server.deps.db;
  /** What the story has produced so far. */
  const story: {
    seededCode?: string;
    uiCode?: string;
    creditOrder?: string;
    fiatOrder?: string;
    mintTx?: Hex;
    referrer?: Persona;
    admin?: Persona;
  } = {};

  before(async () => {
    stack = await startAppStack({ log: (line) => console.log(`# stack: ${line}`) });
    browser = await launchBrowser();
    ({ client: admin } = await stack.signIn(anvilKeys.deployer));
    ({ client: aliceApi } = await stack.signIn(anvilKeys.alice));
    for (const currency of CURRENCIES) {
      // 1 token = 1 unit of the currency: rewards are sized at once.
      const source = await admin.request("PUT", `/api/admin/price-sources/${currency}`, { json: { kind: "desk" } });
      assert.equal(source.status, 200, JSON.stringify(source.body));
      const rate = await admin.request("PUT", `/api/admin/desk-rates/${currency}`, {
        json: { answer: "1", decimals: 0 },
      });
      assert.equal(rate.status, 200, JSON.stringify(rate.body));
    }
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function persona(name: string, key?: Hex, walletOptions: Partial<TestWalletOptions> = {}): Promise<Persona> {
    const context = await browser.newContext();
    const wallet = key
      ? await installWallet(context, {
          rpcUrl: stack.anvil.rpcUrl,
          chainId: stack.deployment.chainId,
          key,
          ...walletOptions,
        })
      : undefined;
    const { page, errors } = await openPage(context);
    return { name, context, page, wallet, errors };
  }

  /** Runs a step of `who`, then saves a screenshot; on failure the screenshot is marked and the
   *  page's errors are added to the message. */
  async function step<T>(who: Persona, name: string, body: () => Promise<T>): Promise<T> {
    try {
      const result = await body();
      await browser.screenshot(who.page, `${who.name}-${name}`);
      return result;
    } catch (error) {
      await browser.screenshot(who.page, `${who.name}-${name}-FAILED`);
      if (error instanceof Error && who.errors.length > 0) {
        error.message += `\n  page errors (${who.name}):\n    ${who.errors.slice(-10).join("\n    ")}`;
      }
      throw error;
    }
  }

  const visit = (who: Persona, path: string) => who.page.goto(new URL(path, stack.url).href);
  const panel = (who: Persona) => who.page.getByTestId("wallet-panel");
  const button = (who: Persona, name: string) => who.page.getByRole("button", { name, exact: true });

  /** The header's wallet panel: connect the test wallet, then Sign-In with Ethereum. */
  async function signInThroughUi(who: Persona) {
    await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
    await panel(who)
      .getByRole("button", { name: text("common", "wallet.signIn"), exact: true })
      .click();
    await panel(who)
      .getByRole("button", { name: text("common", "wallet.signOut"), exact: true })
      .waitFor();
  }

  /** The session the page's cookie holds, as GET /api/auth/session answers it in the page. */
  const pageSession = (who: Persona) =>
    who.page.evaluate(async () => {
      const response = await fetch("/api/auth/session");
      return { status: response.status, body: response.ok ? await response.json() : undefined };
    });

  const userOf = async (wallet: Address) =>
    (await db().select().from(wallets).where(eq(wallets.address, wallet)))[0]?.userId;

  const rewardOf = async (orderReference: string) =>
    (await db().select().from(rewards).where(eq(rewards.orderReference, orderReference)))[0];

  /** The text and HTML (links, titles) of an element. */
  const contents = async (locator: ReturnType<Page["getByTestId"]>) => ({
    text: await locator.innerText(),
    html: await locator.evaluate((element) => element.outerHTML),
  });

  /** The referrer's first code, made through the API (the visitor's test starts with it). */
  async function seededCode(): Promise<string> {
    if (story.seededCode) return story.seededCode;
    const created = await aliceApi.post("/api/refcodes", { vanity: `Ally${suffix}` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return (story.seededCode = created.body.code as string);
  }

  /** The code the buyers arrive with: the one the dashboard created, else the seeded one (so a
   *  test run alone, with --test-name-pattern, has one too). */
  const buyerCode = async () => story.uiCode ?? (await seededCode());

  /** A referred buyer's order paid through the real WayForPay webhook (signed with the local test
   *  key): a fiat reward, which waits in pending_approval for the admin. */
  async function fiatOrder(): Promise<string> {
    const client = new TestClient(stack.url);
    client.cookies.set("ring_ref", await buyerCode());
    await stack.signIn(generatePrivateKey(), client);
    const created = await client.post("/api/orders", { amountMinor: 2500, currency: "USD" });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.referral.attribution, "accepted", JSON.stringify(created.body.referral));
    const orderReference = created.body.orderReference as string;
    const body = wayforpayCallback({
      orderReference,
      amount: "25.00",
      currency: "USD",
      transactionStatus: "Approved",
      processingDate: Math.floor(Date.now() / 1000),
    });
    const delivered = await new TestClient(stack.url).request("POST", "/api/webhooks/wayforpay", {
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    await stack.server.app.payments.idle();
    const reward = await until("the fiat order's reward", () => rewardOf(orderReference));
    assert.equal(reward.state, "pending_approval");
    assert.equal(reward.rail, "fiat");
    return orderReference;
  }

  /** A credit-paid referred order made through the API, when the store's UI did not make one. */
  async function creditOrderThroughApi(): Promise<string> {
    const client = new TestClient(stack.url);
    client.cookies.set("ring_ref", await buyerCode());
    const { session } = await stack.signIn(generatePrivateKey(), client);
    await admin.post("/api/admin/credit/grants", { userId: session.userId, currency: "USD", amountMinor: 4900 });
    const created = await client.post("/api/orders", { amountMinor: 4900, currency: "USD" });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const paid = await client.post(`/api/orders/${created.body.orderReference}/pay-with-credit`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    return created.body.orderReference as string;
  }

  /** The story's rewards minted: through the admin page, else (it failed) through the API. */
  async function ensureMinted(): Promise<Hex> {
    if (story.mintTx) return story.mintTx;
    story.creditOrder ??= await creditOrderThroughApi();
    story.fiatOrder ??= await fiatOrder();
    const fiat = await rewardOf(story.fiatOrder);
    if (fiat?.state === "pending_approval") await admin.post("/api/admin/rewards/approve", { ids: [fiat.id] });
    const run = await admin.post("/api/admin/mint");
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const reward = await until("the credit order's reward minted", async () => {
      const row = await rewardOf(story.creditOrder!);
      return row?.state === "minted" && row;
    });
    return (story.mintTx = reward.txHash as Hex);
  }

  it("a visitor arriving through a ref link sees who referred them, and the visit is counted once", async () => {
    const code = await seededCode();
    const visitor = await persona("visitor");
    const beacons = { sent: 0, stored: 0 };
    visitor.context.on("requestfinished", async (request) => {
      if (!/\/api\/refcodes\/track$/.test(new URL(request.url()).pathname)) return;
      beacons.sent++;
      if ((await request.response())?.status() === 204) beacons.stored++;
    });
    const codeId = (await db().select().from(refcodes).where(eq(refcodes.code, code)))[0]!.id;
    const visitsStored = async () => {
      const [row] = await db().select().from(refcodeVisitDays).where(eq(refcodeVisitDays.codeId, codeId));
      const [visitors] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(refcodeVisitors)
        .where(eq(refcodeVisitors.codeId, codeId));
      return { visits: row?.visits ?? 0, visitors: visitors!.n };
    };

    await step(visitor, "ref-link", async () => {
      await visit(visitor, `/r/${code}`);
      const referrer = visitor.page.getByTestId("referrer");
      await until("the page to say who referred the visitor", async () => {
        const shown = (await referrer.innerText()).toLowerCase();
        return shown.includes(code.toLowerCase()) || shown.includes(ALICE.slice(0, 6).toLowerCase());
      });
    });
    const cookie = (await visitor.context.cookies(stack.url)).find((c) => c.name === "ring_ref");
    assert.equal(cookie?.value, code, "the share link set the first-touch cookie");
    await until("the visit stored", async () => (await visitsStored()).visits === 1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a second beacon of the same load would land now
    assert.deepEqual(await visitsStored(), { visits: 1, visitors: 1 });

    // The same visitor again, by reload and by the link: still one visit today.
    const sentBefore = beacons.sent;
    await step(visitor, "ref-link-again", async () => {
      await visitor.page.reload();
      await visitor.page.getByTestId("referrer").waitFor();
      await visit(visitor, `/r/${code}`);
      await visitor.page.getByTestId("referrer").waitFor();
    });
    if (sentBefore > 0) await until("the later beacons answered", () => beacons.sent >= sentBefore + 2);
    else await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(await visitsStored(), { visits: 1, visitors: 1 }, "a returning visitor is not counted twice");
    assert.equal(beacons.stored, beacons.sent, "every beacon was answered 204");
    const totals = await aliceApi.get(`/api/refcodes/${code}/visits`);
    assert.equal(totals.status, 200);
    assert.equal(totals.body.today, 1, "the owner's visit totals");
  });

  it("a referrer signs in with Ethereum and creates a code on the dashboard", async () => {
    const otherCode = story.seededCode; // made by the visitor's test, unless it was left out
    const referrer = (story.referrer = await persona("referrer", anvilKeys.alice));
    await step(referrer, "signed-out", () => visit(referrer, "/dashboard"));
    await step(referrer, "signed-in", () => signInThroughUi(referrer));
    const session = await pageSession(referrer);
    assert.equal(session.status, 200);
    assert.equal(session.body.wallet, ALICE, "the SIWE session is the referrer's wallet");
    const vanity = `Ref${suffix}`;
    await step(referrer, "code-created", async () => {
      await referrer.page.getByRole("heading", { name: "Your referral codes" }).waitFor();
      await referrer.page.getByLabel("Vanity code (optional)").fill(vanity);
      await referrer.page.getByRole("button", { name: "Create code" }).click();
      await until("the new code in the list", async () =>
        (await referrer.page.getByTestId("codes").innerText()).includes(vanity),
      );
    });
    const [row] = await db().select().from(refcodes).where(eq(refcodes.codeKey, vanity.toLowerCase()));
    assert.ok(row, "the code is stored");
    assert.equal(row.code, vanity);
    assert.equal(row.kind, "vanity");
    assert.equal(row.wallet, ALICE, "paying the referrer's wallet");
    assert.equal(row.userId, await userOf(ALICE));
    assert.ok(row.active);
    const listed = await referrer.page.getByTestId("codes").innerText();
    if (otherCode) assert.ok(listed.includes(otherCode), "the list holds the referrer's other code too");
    story.uiCode = vanity;
  });

  it("a buyer arriving through the code signs in and buys with credit in the store", async () => {
    const code = await buyerCode();
    for (const currency of CURRENCIES) {
      const grant = await admin.post("/api/admin/credit/grants", { wallet: BOB, currency, amountMinor: CREDIT_MINOR });
      assert.equal(grant.status, 201, JSON.stringify(grant.body));
    }
    const buyerUserId = (await userOf(BOB))!;
    const buyer = await persona("buyer", anvilKeys.bob);
    await step(buyer, "ref-link", () => visit(buyer, `/r/${code}`));
    await step(buyer, "store", async () => {
      await visit(buyer, "/store");
      await signInThroughUi(buyer);
      await buyer.page.getByRole("button", { name: "Buy with credit" }).first().waitFor();
    });
    await step(buyer, "bought", async () => {
      await buyer.page.getByRole("button", { name: "Buy with credit" }).first().click();
      const paidTexts = [...textsMatching("store", /paid/i), /paid/i];
      await until("the order status to say paid", async () => {
        const shown = await buyer.page.getByTestId("order-status").innerText();
        return paidTexts.some((pattern) => pattern.test(shown));
      });
    });
    const order = await until("the buyer's order paid in the database", async () => {
      const [row] = await db()
        .select()
        .from(orders)
        .where(eq(orders.buyerUserId, buyerUserId))
        .orderBy(desc(orders.createdAt))
        .limit(1);
      return row?.status === "paid" && row;
    });
    assert.equal(order.rail, "crypto", "paid with internal credit");
    assert.equal(order.source, "app");
    assert.equal(order.attribution, "accepted", `attribution ${order.attribution} (${order.attributionReason})`);
    assert.equal(order.referralCode?.toLowerCase(), code.toLowerCase(), "the code from the first-touch cookie");
    assert.equal(order.referrerWallet, ALICE);
    const attribution = await buyer.page.getByTestId("attribution").innerText();
    const attributionTexts = [...textsMatching("store", /attribut|accepted|referr/i), new RegExp(code, "i")];
    assert.ok(
      attributionTexts.some((pattern) => pattern.test(attribution)),
      `the attribution is shown: ${JSON.stringify(attribution)}`,
    );
    const [balance] = await db()
      .select()
      .from(creditBalances)
      .where(and(eq(creditBalances.userId, buyerUserId), eq(creditBalances.currency, order.currency)));
    assert.equal(balance?.balanceMinor, CREDIT_MINOR - order.amountMinor, "the credit paid for it");
    const reward = await until("the referrer's reward", () => rewardOf(order.orderReference));
    assert.equal(reward.state, "approved", "a credit-paid reward is approved at once");
    assert.equal(reward.sizing, "sized");
    assert.equal(reward.referrerWallet, ALICE);
    story.creditOrder = order.orderReference;
  });

  it("the admin approves the queued reward and mints the approved ones", async () => {
    story.creditOrder ??= await creditOrderThroughApi();
    const fiatRef = (story.fiatOrder = await fiatOrder());
    const fiatReward = (await rewardOf(fiatRef))!;
    const adminPersona = (story.admin = await persona("admin", anvilKeys.deployer));
    await step(adminPersona, "queue", async () => {
      await visit(adminPersona, "/admin");
      await signInThroughUi(adminPersona);
      await adminPersona.page.getByRole("heading", { name: "Approval queue" }).waitFor();
      await adminPersona.page.getByLabel(`Select reward ${fiatRef}`, { exact: true }).check();
    });
    await step(adminPersona, "approved", async () => {
      await adminPersona.page.getByRole("button", { name: "Approve selected" }).click();
      await until("the reward approved in the database", async () => (await rewardOf(fiatRef))?.state === "approved");
    });
    const approvedBy = await db().execute(
      sql`select actor from reward_transitions where reward_id = ${fiatReward.id} and to_state = 'approved'`,
    );
    assert.equal(
      (approvedBy.rows[0] as { actor: string }).actor.toLowerCase(),
      `admin:${stack.adminAddress}`.toLowerCase(),
    );

    await step(adminPersona, "minted", async () => {
      await adminPersona.page.getByRole("button", { name: "Mint now" }).click();
      await adminPersona.page.getByTestId("mint-progress").waitFor();
      await until(
        "both rewards minted in the database",
        async () => {
          const rows = await db()
            .select()
            .from(rewards)
            .where(inArray(rewards.orderReference, [story.creditOrder!, fiatRef]));
          return rows.length === 2 && rows.every((row) => row.state === "minted" && row.txHash) && rows;
        },
        { timeoutMs: 60_000 },
      );
      await until("the mint progress to show the run", async () =>
        (await adminPersona.page.getByTestId("mint-progress").innerText()).trim(),
      );
    });
    const minted = await db()
      .select()
      .from(rewards)
      .where(inArray(rewards.orderReference, [story.creditOrder!, fiatRef]));
    const receipt = await stack.publicClient.getTransactionReceipt({ hash: minted[0]!.txHash as Hex });
    assert.equal(receipt.status, "success");
    const paid = parseEventLogs({ abi: referralRewardsAbi, logs: receipt.logs, eventName: "ReferralPaid" });
    for (const reward of minted) {
      const orderRef = keccak256(stringToBytes(reward.orderReference));
      const event = paid.find((log) => log.args.orderRef === orderRef);
      assert.ok(event, `a ReferralPaid event for ${reward.orderReference}`);
      assert.equal(event.args.referrer, ALICE);
      assert.equal(event.args.amount, BigInt(reward.tokenAmount!));
      assert.equal(
        await stack.publicClient.readContract({
          address: stack.deployment.proxy,
          abi: referralRewardsAbi,
          functionName: "paidOrders",
          args: [orderRef],
        }),
        true,
      );
    }
    const balance = await stack.publicClient.readContract({
      address: stack.deployment.token,
      abi: rewardTokenAbi,
      functionName: "balanceOf",
      args: [ALICE],
    });
    assert.equal(
      balance,
      minted.reduce((sum, reward) => sum + BigInt(reward.tokenAmount!), 0n),
      "the referrer holds the minted tokens",
    );
    story.mintTx = (minted.find((reward) => reward.orderReference === story.creditOrder) ?? minted[0])!.txHash as Hex;
  });

  it("the referrer sees the reward paid, with its transaction", async () => {
    const tx = await ensureMinted();
    let referrer = story.referrer;
    if (!referrer) {
      referrer = story.referrer = await persona("referrer", anvilKeys.alice);
      await visit(referrer, "/dashboard");
      await signInThroughUi(referrer);
    }
    const mintedTexts = textsMatching("dashboard", /(^|\.)minted$/);
    if (mintedTexts.length === 0) mintedTexts.push(/minted|paid/i);
    await step(referrer, "reward-paid", async () => {
      await visit(referrer, "/dashboard");
      const list = referrer.page.getByTestId("rewards");
      await list.waitFor();
      await until("a reward row in the minted state with its transaction", async () => {
        const rows = await list.evaluate((element) => {
          const found = [...element.querySelectorAll("tr, li, [role=row]")];
          return (found.length > 0 ? found : [element]).map((row) => ({
            text: (row as HTMLElement).innerText,
            html: row.outerHTML,
          }));
        });
        return rows.some((row) => showsHash(row, tx) && mintedTexts.some((pattern) => pattern.test(row.text)));
      });
    });
  });

  it("the verify page confirms the order on-chain", async () => {
    const tx = await ensureMinted();
    const orderReference = story.creditOrder!;
    const orderRef = keccak256(stringToBytes(orderReference));
    const receipt = await stack.publicClient.getTransactionReceipt({ hash: tx });
    await stack.indexer!.waitForBlock(receipt.blockNumber);
    const indexed = await stack.indexer!.query<{ payout: { txHash: string } | null }>(
      `{ payout(orderRef: "${orderRef}") { txHash } }`,
    );
    assert.equal(indexed.payout?.txHash, tx, "the indexer has the payout");
    const auditor = await persona("auditor");
    await step(auditor, "verified", async () => {
      await visit(auditor, `/verify?order=${encodeURIComponent(orderReference)}`);
      const result = auditor.page.getByTestId("verify-result");
      const paidTexts = [/\btrue\b/i, ...textsMatching("verify", /paid|onchain|onChain|confirmed/i)];
      await until("the result to show the order paid on-chain with its transaction", async () => {
        const shown = await contents(result);
        return showsHash(shown, tx) && paidTexts.some((pattern) => pattern.test(shown.text));
      });
    });
  });

  it("the admin pauses and unpauses the contract with a transaction from the wallet", async () => {
    let adminPersona = story.admin;
    if (!adminPersona) {
      adminPersona = story.admin = await persona("admin", anvilKeys.deployer);
      await visit(adminPersona, "/admin");
      await signInThroughUi(adminPersona);
    }
    const who = adminPersona;
    const paused = () =>
      stack.publicClient.readContract({
        address: stack.deployment.proxy,
        abi: referralRewardsAbi,
        functionName: "paused",
      });
    const sentBefore = who.wallet!.transactions.length;
    assert.equal(await paused(), false);
    await step(who, "paused", async () => {
      await visit(who, "/admin");
      await button(who, text("admin", "pause.pause")).click();
      await until("the contract paused on-chain", paused);
      await button(who, text("admin", "pause.unpause")).waitFor();
    });
    await step(who, "unpaused", async () => {
      await button(who, text("admin", "pause.unpause")).click();
      await until("the contract running again", async () => !(await paused()));
      await button(who, text("admin", "pause.pause")).waitFor();
    });
    const sent = who.wallet!.transactions.slice(sentBefore);
    assert.equal(sent.length, 2, "two transactions signed by the admin's wallet");
    for (const hash of sent) {
      const receipt = await stack.publicClient.getTransactionReceipt({ hash });
      assert.equal(receipt.status, "success");
      assert.equal(receipt.from, stack.adminAddress.toLowerCase());
      assert.equal(receipt.to, stack.deployment.proxy.toLowerCase());
    }
  });

  it("switching the language to Ukrainian translates the app and sets <html lang>", async () => {
    const reader = await persona("language");
    await step(reader, "english", async () => {
      await visit(reader, "/verify");
      await reader.page.getByRole("link", { name: text("common", "nav.store"), exact: true }).waitFor();
    });
    await step(reader, "ukrainian", async () => {
      // The select's name is its label plus the chosen option ("Language English"): not exact.
      await reader.page.getByLabel(text("common", "language")).selectOption("uk");
      await reader.page.getByRole("link", { name: "Магазин", exact: true }).waitFor();
    });
    assert.equal(await reader.page.getAttribute("html", "lang"), "uk");
    const nav = await reader.page.getByRole("navigation", { name: text("common", "nav.label", {}, "uk") }).innerText();
    for (const key of ["nav.store", "nav.verify"]) assert.ok(nav.includes(text("common", key, {}, "uk")), key);
    assert.equal(await reader.page.evaluate(() => localStorage.getItem("refcodes.language")), "uk");
    await step(reader, "ukrainian-after-reload", async () => {
      await reader.page.reload();
      await reader.page.getByRole("link", { name: "Магазин", exact: true }).waitFor();
    });
    assert.equal(await reader.page.getAttribute("html", "lang"), "uk", "the choice survives a reload");
    assert.ok(await reader.page.getByLabel(text("common", "language", {}, "uk")).isVisible(), "the label is Ukrainian");
    // Money in the reader's locale: the mug's 12.50 USD as Ukrainian writes it, not as English does.
    const [uk, en] = await reader.page.evaluate(() =>
      ["uk-UA", "en-US"].map((locale) =>
        new Intl.NumberFormat(locale, { style: "currency", currency: "USD" }).format(12.5),
      ),
    );
    await step(reader, "ukrainian-store", async () => {
      await visit(reader, "/store");
      await reader.page.getByTestId("product-mug").getByText(uk!, { exact: true }).waitFor();
    });
    assert.notEqual(uk, en);
    assert.ok(!(await reader.page.getByTestId("product-mug").innerText()).includes(en!), "no English-formatted price");
  });

  describe("wallet states", () => {
    it("wrong chain: the app names the chain, switches the wallet, then signs in", async () => {
      const key = generatePrivateKey();
      const who = await persona("wrong-chain", key, { startChainId: 1 });
      await step(who, "connected", async () => {
        await visit(who, "/verify");
        await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
        await panel(who)
          .getByText(text("common", "wallet.error.wrong_chain", { chainId: 1 }))
          .waitFor();
      });
      assert.equal(await button(who, text("common", "wallet.signIn")).count(), 0, "no sign-in on the wrong chain");
      await step(who, "switched", async () => {
        await button(who, text("common", "wallet.switch")).click();
        await button(who, text("common", "wallet.signIn")).waitFor();
      });
      assert.equal(who.wallet!.chainId, stack.deployment.chainId, "the wallet moved to the app's chain");
      assert.ok(who.wallet!.requests.some((r) => r.method === "wallet_switchEthereumChain" && r.outcome === "ok"));
      await step(who, "signed-in", async () => {
        await button(who, text("common", "wallet.signIn")).click();
        await button(who, text("common", "wallet.signOut")).waitFor();
      });
      assert.equal((await pageSession(who)).body?.wallet, address(key));
    });

    it("locked wallet: the app says to unlock it, and connects once unlocked", async () => {
      const key = generatePrivateKey();
      const who = await persona("locked", key);
      await who.wallet!.lock();
      await step(who, "refused", async () => {
        await visit(who, "/verify");
        await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
        await panel(who).getByText(text("common", "wallet.error.locked")).waitFor();
      });
      assert.ok(
        who.wallet!.requests.some((r) => r.outcome === 4001),
        "the wallet refused with 4001",
      );
      assert.equal(await button(who, text("common", "wallet.signIn")).count(), 0);
      await who.wallet!.unlock();
      await step(who, "unlocked", async () => {
        await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
        await button(who, text("common", "wallet.signIn")).waitFor();
      });
    });

    it("rejected signature: the app says so, stays signed out, and signs in on a second try", async () => {
      const key = generatePrivateKey();
      const who = await persona("rejected", key);
      who.wallet!.rejectSignatures(true);
      await step(who, "rejected", async () => {
        await visit(who, "/verify");
        await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
        await button(who, text("common", "wallet.signIn")).click();
        await panel(who).getByText(text("common", "wallet.error.rejected")).waitFor();
      });
      assert.ok(who.wallet!.requests.some((r) => r.method === "personal_sign" && r.outcome === 4001));
      assert.equal((await pageSession(who)).status, 401, "no session");
      assert.equal(await userOf(address(key)), undefined, "no user was created");
      who.wallet!.rejectSignatures(false);
      await step(who, "signed-in", async () => {
        await button(who, text("common", "wallet.signIn")).click();
        await button(who, text("common", "wallet.signOut")).waitFor();
      });
      assert.ok(await userOf(address(key)), "signed in: the user exists");
    });

    it("another account chosen in the wallet: the app follows it", async () => {
      const who = await persona("switch-account", anvilKeys.alice);
      await step(who, "alice", async () => {
        await visit(who, "/verify");
        await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
        await panel(who).getByText(short(ALICE)).waitFor();
      });
      await who.wallet!.use(anvilKeys.bob);
      await step(who, "bob", () => panel(who).getByText(short(BOB)).waitFor());
      await step(who, "signed-in-as-bob", () =>
        button(who, text("common", "wallet.signIn"))
          .click()
          .then(() => button(who, text("common", "wallet.signOut")).waitFor()),
      );
      assert.equal((await pageSession(who)).body?.wallet, BOB, "signed in with the account now chosen");
    });

    it("the session survives a reload; sign-out ends it on the server", async () => {
      const key = generatePrivateKey();
      const who = await persona("session", key);
      await step(who, "signed-in", async () => {
        await visit(who, "/store");
        await signInThroughUi(who);
      });
      await step(who, "reloaded", async () => {
        await who.page.reload();
        await button(who, text("common", "wallet.signOut")).waitFor();
      });
      assert.equal((await pageSession(who)).body?.wallet, address(key), "the cookie's session after the reload");
      const [cookie] = await who.context.cookies(stack.url);
      assert.ok(cookie, "the session cookie");
      await step(who, "signed-out", async () => {
        await button(who, text("common", "wallet.signOut")).click();
        await panel(who).getByRole("button", { name: "Connect Test Wallet", exact: true }).waitFor();
      });
      assert.equal((await pageSession(who)).status, 401, "signed out in the page");
      // The old cookie is dead on the server too, not only dropped by the browser.
      const replay = await fetch(`${stack.url}/api/auth/session`, {
        headers: { cookie: `${cookie.name}=${cookie.value}` },
      });
      assert.equal(replay.status, 401);
      await replay.body?.cancel();
    });

    it("WalletConnect is offered when the server names a project id, not otherwise", async () => {
      const who = await persona("walletconnect");
      await visit(who, "/verify");
      await panel(who).waitFor();
      assert.equal(
        await panel(who)
          .getByRole("button", { name: /WalletConnect/ })
          .count(),
        0,
        "not configured",
      );
      // The server's answer as it would be with WALLETCONNECT_PROJECT_ID set.
      await who.page.route("**/api/app-config", async (route) => {
        const response = await route.fetch();
        const body = { ...(await response.json()), walletConnectProjectId: "0123456789abcdef0123456789abcdef" };
        await route.fulfill({ response, json: body });
      });
      await step(who, "offered", async () => {
        await who.page.reload();
        await panel(who)
          .getByRole("button", { name: /WalletConnect/ })
          .waitFor();
      });
    });
  });
});
