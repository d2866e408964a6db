// The admin console's "Host events" section in real Chromium against a real local stack
// (test/app/stack.ts, without the indexer): the admin adds a host's endpoint in the UI and reads
// its secret (shown once), a paid referred order makes a reward whose event the host first refuses
// (500), the delivery log shows it, the admin re-sends it once the host answers 200, the details
// show both attempts and the exact body, and the host checks the signature with the secret the UI
// showed. Then switching the endpoint off, a re-send refused with the server's 409 message, the
// filters, paging back with "Load older", and the section at 375 px (no page overflow, axe clean).
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { generatePrivateKey } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { eventDeliveries, hostEvents } from "../../server/db/schema.ts";
import { verifyHostEvent } from "../../server/host-events/signature.ts";
import { TestClient } from "../../server/test/harness.ts";
import { launchBrowser, screenshotDir, type TestBrowser } from "./browser.ts";
import { openPage, text, until } from "./helpers.ts";
import { type AppStack, startAppStack } from "./stack.ts";
import { installWallet } from "./wallet.ts";

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const PHONE = { width: 375, height: 740 };
const suffix = randomBytes(3).toString("hex");
const t = (key: string, values: Record<string, string | number> = {}) => text("admin", `events.${key}`, values);

/** The host: a node:http server on 127.0.0.1 that keeps every request and answers `status`. */
interface Host {
  url: string;
  status: number;
  received: { headers: IncomingHttpHeaders; raw: string }[];
  server: Server;
}

async function startHost(): Promise<Host> {
  const host = { url: "", status: 500, received: [] } as unknown as Host;
  host.server = createServer((request, response) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (raw += chunk));
    request.on("end", () => {
      host.received.push({ headers: request.headers, raw });
      response.writeHead(host.status, { "content-type": "text/plain" }).end(host.status === 200 ? "ok" : "host down");
    });
  });
  host.server.listen(0, "127.0.0.1");
  await once(host.server, "listening");
  host.url = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}/refcodes-events`;
  return host;
}

describe("the admin's host events section in Chromium", { timeout: 600_000 }, () => {
  let stack: AppStack;
  let browser: TestBrowser;
  let host: Host;
  let admin: TestClient;
  let page: Page;
  let errors: string[] = [];
  const story = { secret: "", endpointId: "", rewardId: "", deliveryId: 0 };
  const db = () => stack.server.deps.db;
  const section = () => page.getByTestId("host-events");
  const deliveryRow = (id: number) => section().locator(`tr[data-testid="event-delivery"][data-delivery="${id}"]`);

  before(async () => {
    host = await startHost();
    stack = await startAppStack({
      indexer: false,
      env: { HOST_EVENTS_POLL_MS: "100", HOST_EVENTS_RETRY_BASE_MS: "60000", HOST_EVENTS_MAX_ATTEMPTS: "3" },
      log: (line) => console.log(`# stack: ${line}`),
    });
    browser = await launchBrowser({ screenshots: false }); // the other suites' screenshots stay
    mkdirSync(screenshotDir, { recursive: true });
    for (const file of readdirSync(screenshotDir)) {
      if (file.includes("host-events")) rmSync(join(screenshotDir, file), { force: true });
    }
    ({ client: admin } = await stack.signIn(anvilKeys.deployer));
    const context = await browser.newContext({ bypassCSP: true }); // axe is injected as an inline script
    await installWallet(context, {
      rpcUrl: stack.anvil.rpcUrl,
      chainId: stack.deployment.chainId,
      key: anvilKeys.deployer,
    });
    ({ page, errors } = await openPage(context));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    if (host) {
      host.server.closeAllConnections();
      await new Promise((resolve) => host.server.close(resolve));
    }
  });

  /** Runs a step and saves a screenshot of it; a failure's message carries the page's errors. */
  async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      const result = await body();
      await browser.screenshot(page, `host-events-${name}`);
      return result;
    } catch (error) {
      await browser.screenshot(page, `host-events-${name}-FAILED`);
      if (error instanceof Error && errors.length > 0)
        error.message += `\n  page errors:\n    ${errors.join("\n    ")}`;
      throw error;
    }
  }

  const endpointsFromApi = async () => {
    const response = await admin.get("/api/admin/event-endpoints");
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.endpoints as { id: string; url: string; eventTypes: string[]; active: boolean }[];
  };

  async function axeClean(what: string) {
    await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<any> } }).axe;
      const run = await axe.run("[data-testid='host-events']", { runOnly: { type: "tag", values: tags } });
      return (run.violations as { id: string; impact: string; help: string; nodes: { target: unknown }[] }[])
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `[${v.impact}] ${v.id}: ${v.help} ${JSON.stringify(v.nodes.slice(0, 5).map((n) => n.target))}`);
    }, WCAG_TAGS);
    assert.deepEqual(violations, [], `axe on the host events section (${what})`);
  }

  it("the admin adds an endpoint and sees its secret once", async () => {
    await step("signed-in", async () => {
      await page.goto(new URL("/admin", stack.url).href);
      const panel = page.getByTestId("wallet-panel");
      await panel.getByRole("button", { name: "Connect Test Wallet", exact: true }).click();
      await panel.getByRole("button", { name: text("common", "wallet.signIn"), exact: true }).click();
      await section()
        .getByRole("heading", { name: t("title"), exact: true })
        .waitFor();
      await section().getByText(t("endpoints.none")).waitFor();
      await section().getByText(t("log.none")).waitFor();
    });

    const urlField = section().getByLabel(t("form.url"), { exact: true });
    const submit = section().getByRole("button", { name: t("form.submit"), exact: true });
    await step("url-invalid", async () => {
      await urlField.fill("ftp://shop.example/events");
      await submit.click();
      await section().getByText(t("form.urlInvalid")).waitFor();
      assert.equal(await urlField.getAttribute("aria-invalid"), "true");
      assert.equal((await endpointsFromApi()).length, 0, "nothing was sent");
    });

    story.secret = await step("secret-shown", async () => {
      await urlField.fill(host.url);
      await section().getByLabel(t("form.description"), { exact: true }).fill(`Test host ${suffix}`);
      await section()
        .getByRole("checkbox", { name: /reward\.created/ })
        .check();
      await submit.click();
      const box = section().getByTestId("endpoint-secret-box");
      await box.waitFor();
      assert.match(await box.innerText(), new RegExp(t("secret.warning").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      assert.ok(await box.evaluate((element) => element === document.activeElement), "the secret box takes focus");
      await box.getByRole("button", { name: t("secret.copy"), exact: true }).click();
      await box.getByRole("status").filter({ hasText: /\S/ }).waitFor(); // copied, or "copy it by hand"
      return box.getByLabel(t("secret.label"), { exact: true }).inputValue();
    });
    assert.match(story.secret, /^whsec_[\w-]{40,}$/);

    const [endpoint] = await endpointsFromApi();
    assert.ok(endpoint);
    assert.equal(endpoint.url, host.url);
    assert.deepEqual(endpoint.eventTypes, ["reward.created"]);
    assert.equal(endpoint.active, true);
    story.endpointId = endpoint.id;

    await step("endpoint-listed", async () => {
      const row = section().locator(`tr[data-endpoint="${endpoint.id}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute("data-active"), "true");
      assert.match(await row.innerText(), /reward\.created/);
      await section()
        .getByRole("button", { name: t("secret.done"), exact: true })
        .click();
      await section().getByTestId("endpoint-secret-box").waitFor({ state: "detached" });
      assert.ok(!(await page.content()).includes(story.secret), "the secret is gone from the page");
    });
  });

  it("a reward's event the host refuses shows in the log; re-sent once the host is back, it is delivered", async () => {
    assert.ok(story.secret, "the endpoint was added in the UI");
    // A referred order paid with credit: the reward, and its reward.created event.
    const { client: referrer } = await stack.signIn(anvilKeys.alice);
    const code = await referrer.post("/api/refcodes", { vanity: `Host${suffix}` });
    assert.equal(code.status, 201, JSON.stringify(code.body));
    const buyer = new TestClient(stack.url);
    buyer.cookies.set("ring_ref", code.body.code);
    const { session } = await stack.signIn(generatePrivateKey(), buyer);
    const grant = await admin.post("/api/admin/credit/grants", {
      userId: session.userId,
      currency: "USD",
      amountMinor: 4900,
    });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const order = await buyer.post("/api/orders", { amountMinor: 4900, currency: "USD" });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.referral.attribution, "accepted", JSON.stringify(order.body.referral));
    const paid = await buyer.post(`/api/orders/${order.body.orderReference}/pay-with-credit`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));

    await until("the host to be sent the event (and answer 500)", () => host.received.length >= 1);
    const delivery = await until("the failed attempt recorded", async () => {
      const [row] = (await admin.get(`/api/admin/event-deliveries?endpointId=${story.endpointId}`)).body.deliveries;
      return row?.attempts === 1 && row.lastStatus === 500 && row;
    });
    story.rewardId = delivery.rewardId;
    story.deliveryId = delivery.id;
    assert.equal(delivery.eventType, "reward.created");
    assert.equal(delivery.state, "pending", "retried in a minute (HOST_EVENTS_RETRY_BASE_MS)");

    const row = deliveryRow(story.deliveryId);
    await step("delivery-failed", async () => {
      await section()
        .getByRole("button", { name: t("log.refresh"), exact: true })
        .click();
      await row.waitFor();
      assert.equal(await row.getAttribute("data-state"), "pending");
      assert.equal(await row.getAttribute("data-reward"), story.rewardId);
      const shown = await row.innerText();
      for (const expected of ["reward.created", story.rewardId.slice(0, 8), host.url, t("state.pending"), "HTTP 500"])
        assert.ok(shown.includes(expected), `the row shows ${expected}: ${shown}`);
      assert.match(shown, new RegExp(t("log.nextAttempt", { date: "" }).trim()));
    });

    host.status = 200;
    await step("resent", async () => {
      const resend = row.getByRole("button", { name: new RegExp(`^${t("log.resend")}`) });
      await resend.click();
      await until(
        "the row to show the delivery delivered",
        async () => (await row.getAttribute("data-state")) === "delivered",
      );
      await row
        .getByTestId("resend-outcome")
        .getByText(t("log.resentDelivered", { status: 200 }))
        .waitFor();
      assert.ok((await row.innerText()).includes(t("state.delivered")));
      assert.ok(await resend.isEnabled(), "the button is back once the attempt is done");
    });
    assert.equal(host.received.length, 2, "one refused attempt, one re-send");

    await step("details", async () => {
      await row.getByRole("button", { name: new RegExp(`^${t("log.details")}`) }).click();
      const details = section().getByTestId("delivery-details");
      await details.getByRole("heading", { name: text("admin", "events.details.attempts_other", { n: 2 }) }).waitFor();
      const attempts = details.getByTestId("delivery-attempts").locator("tbody tr");
      assert.equal(await attempts.count(), 2);
      assert.equal(await attempts.nth(0).getAttribute("data-status"), "200", "newest first");
      assert.equal(await attempts.nth(1).getAttribute("data-status"), "500");
      assert.match(await attempts.nth(0).innerText(), new RegExp(stack.adminAddress, "i"));
      assert.match(await attempts.nth(1).innerText(), new RegExp(t("details.byDispatcher")));
      assert.equal(await details.getByTestId("delivery-body").innerText(), host.received[1]!.raw, "the exact body");
    });

    // The host checks each request with the secret the UI showed once.
    for (const request of host.received) {
      verifyHostEvent(story.secret, request.headers["refcodes-signature"] as string, request.raw);
      assert.equal(JSON.parse(request.raw).data.rewardId, story.rewardId);
    }
    assert.equal(host.received[0]!.headers["idempotency-key"], host.received[1]!.headers["idempotency-key"]);
    assert.throws(() =>
      verifyHostEvent(
        `${story.secret}x`,
        host.received[1]!.headers["refcodes-signature"] as string,
        host.received[1]!.raw,
      ),
    );
  });

  it("switching the endpoint off is saved, and a re-send then shows the server's 409", async () => {
    assert.ok(story.deliveryId, "the delivery exists");
    const endpointRow = section().locator(`tr[data-endpoint="${story.endpointId}"]`);
    await step("switched-off", async () => {
      await endpointRow.getByRole("button", { name: `${t("endpoints.switchOff")} ${host.url}` }).click();
      await until(
        "the row to show the endpoint off",
        async () => (await endpointRow.getAttribute("data-active")) === "false",
      );
      assert.ok((await endpointRow.innerText()).includes(t("endpoints.off")));
    });
    const [endpoint] = await endpointsFromApi();
    assert.equal(endpoint?.active, false);

    await step("resend-refused", async () => {
      const row = deliveryRow(story.deliveryId);
      await row.getByRole("button", { name: new RegExp(`^${t("log.resend")}`) }).click();
      const outcome = row.getByTestId("resend-outcome").getByRole("alert");
      await outcome.waitFor();
      assert.match(await outcome.innerText(), /switched off/);
    });
    assert.equal(host.received.length, 2, "nothing was sent");

    await step("switched-on", async () => {
      await endpointRow.getByRole("button", { name: `${t("endpoints.switchOn")} ${host.url}` }).click();
      await until(
        "the row to show the endpoint on",
        async () => (await endpointRow.getAttribute("data-active")) === "true",
      );
    });
    assert.equal((await endpointsFromApi())[0]?.active, true);
  });

  it("filters by state and endpoint, and pages back with Load older", async () => {
    // A second endpoint, switched off, with 30 failed deliveries written as fixtures.
    const created = await admin.post("/api/admin/event-endpoints", {
      url: `http://127.0.0.1:9/fixture-${suffix}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const patched = await admin.request("PATCH", `/api/admin/event-endpoints/${created.body.id}`, {
      json: { active: false },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const events = await db()
      .insert(hostEvents)
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          key: `fixture-${suffix}-${i}`,
          type: "reward.paid" as const,
          rewardId: randomUUID(),
          payload: { fixture: i },
        })),
      )
      .returning();
    await db()
      .insert(eventDeliveries)
      .values(
        events.map((event) => ({
          eventId: event.id,
          endpointId: created.body.id as string,
          state: "failed" as const,
          attempts: 3,
          lastStatus: null,
          lastError: "connect ECONNREFUSED 127.0.0.1:9",
        })),
      );

    const rows = section().locator('tr[data-testid="event-delivery"]');
    const stateFilter = section().getByLabel(t("log.state"), { exact: true });
    const endpointFilter = section().getByLabel(t("log.endpoint"), { exact: true });
    await step("filter-delivered", async () => {
      await page.reload();
      await section()
        .getByRole("heading", { name: t("log.title") })
        .waitFor();
      await stateFilter.selectOption("delivered");
      await until(
        "only the delivered row",
        async () => (await rows.count()) === 1 && (await rows.first().getAttribute("data-state")) === "delivered",
      );
    });
    await step("filter-failed-endpoint", async () => {
      await stateFilter.selectOption("failed");
      await endpointFilter.selectOption(created.body.id);
      await until("a page of the fixture's deliveries", async () => (await rows.count()) === 25);
      assert.match(await rows.first().innerText(), /ECONNREFUSED/);
      assert.ok((await rows.first().innerText()).includes(t("log.gaveUp")));
    });
    await step("load-older", async () => {
      await section()
        .getByRole("button", { name: t("log.loadOlder"), exact: true })
        .click();
      await until("all 30", async () => (await rows.count()) === 30);
      await section()
        .getByRole("button", { name: t("log.loadOlder"), exact: true })
        .waitFor({ state: "detached" });
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-delivery"))));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
        "newest first, no row twice",
      );
      assert.equal(new Set(ids).size, 30);
    });
    await stateFilter.selectOption("");
    await endpointFilter.selectOption("");
    await until("every delivery listed again", async () => (await rows.count()) === 25);
  });

  it("is accessible and fits a phone's width; screenshots of the section at both widths", async () => {
    assert.ok(story.deliveryId, "the delivery exists");
    await section().getByLabel(t("log.endpoint"), { exact: true }).selectOption(story.endpointId);
    const row = deliveryRow(story.deliveryId);
    await row.getByRole("button", { name: new RegExp(`^${t("log.details")}`) }).click();
    await section().getByTestId("delivery-details").waitFor();
    const wraps = section().locator(".table-wrap");
    const desktopFit = await wraps.evaluateAll((elements) =>
      elements.map((element) => {
        element.scrollLeft = 0; // clicking scrolled it to the button
        return `${element.getAttribute("aria-label")}: ${element.scrollWidth}/${element.clientWidth}px`;
      }),
    );
    console.log(`# desktop tables (content/box): ${desktopFit.join(", ")}`);
    await axeClean("desktop");
    const desktop = join(screenshotDir, "host-events-section-desktop.png");
    await section().screenshot({ path: desktop });

    await page.setViewportSize(PHONE);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page is ${width}px wide on a ${PHONE.width}px screen`);
    await axeClean("375 px");
    const phone = join(screenshotDir, "host-events-section-375px.png");
    await section().screenshot({ path: phone });
    console.log(`# screenshots: ${desktop} ${phone}`);

    // The keyboard: Tab from the URL field reaches the form's controls in order.
    await section().getByLabel(t("form.url"), { exact: true }).focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-describedby") !== null), true);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).type), "checkbox");
    await page.keyboard.press("Space");
    assert.ok(
      await section()
        .getByRole("checkbox", { name: /reward\.created/ })
        .isChecked(),
      "Space checks it",
    );
  });
});
