import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { buildPurchaseRequest, purchaseFormEntries, WAYFORPAY_PAY_URL } from "./checkout.ts";
import { WayForPayCheckoutError } from "./errors.ts";

const sign = (signed: string, key: string) => createHmac("md5", key).update(signed, "utf8").digest("hex");

const SECRET = "flk3409refn54t54t*FNJRET";
const settings = { merchantAccount: "test_merch_n1", secretKey: SECRET, merchantDomainName: "shop.example" };
const orderDate = new Date(1415379863_000);

describe("buildPurchaseRequest", () => {
  it("matches the documentation's example signature", () => {
    // The Purchase page's example (https://wiki.wayforpay.com/view/852102): the string
    // "test_merchant;www.market.ua;DH783023;1415379863;1547.36;UAH;Процессор Intel Core i5-4670 3.4GHz;
    // Память Kingston DDR3-1600 4096MB PC3-12800;1;1;1000;547.36" under the key below gives
    // "3f787303ac524389b4a76383f9508251" (the Russian page's wording: "Результат HMAC_MD5 и значение
    // параметра merchantSignature будет строка 3f787303…"; the page itself was read as quoted in
    // public integrations, so the test also pins the signed string through node:crypto below).
    const { url, fields } = buildPurchaseRequest(
      { merchantAccount: "test_merchant", secretKey: "dhkq3vUi94{Z!5frxs(02ML", merchantDomainName: "www.market.ua" },
      {
        orderReference: "DH783023",
        orderDate,
        amountMinor: 154736,
        currency: "UAH",
        lineItems: [
          { name: "Процессор Intel Core i5-4670 3.4GHz", quantity: 1, unitAmountMinor: 100000 },
          { name: "Память Kingston DDR3-1600 4096MB PC3-12800", quantity: 1, unitAmountMinor: 54736 },
        ],
      },
    );
    assert.equal(url, WAYFORPAY_PAY_URL);
    assert.equal(url, "https://secure.wayforpay.com/pay");
    assert.equal(fields.merchantSignature, "3f787303ac524389b4a76383f9508251");
    assert.equal(
      fields.merchantSignature,
      sign(
        "test_merchant;www.market.ua;DH783023;1415379863;1547.36;UAH;Процессор Intel Core i5-4670 3.4GHz;Память Kingston DDR3-1600 4096MB PC3-12800;1;1;1000;547.36",
        "dhkq3vUi94{Z!5frxs(02ML",
      ),
    );
    assert.deepEqual(fields, {
      merchantAccount: "test_merchant",
      merchantAuthType: "SimpleSignature",
      merchantDomainName: "www.market.ua",
      merchantTransactionSecureType: "AUTO",
      merchantSignature: "3f787303ac524389b4a76383f9508251",
      orderReference: "DH783023",
      orderDate: "1415379863",
      amount: "1547.36",
      currency: "UAH",
      productName: ["Процессор Intel Core i5-4670 3.4GHz", "Память Kingston DDR3-1600 4096MB PC3-12800"],
      productPrice: ["1000", "547.36"],
      productCount: ["1", "1"],
    });
  });

  it("signs names, then counts, then prices", () => {
    const { fields } = buildPurchaseRequest(settings, {
      orderReference: "ord_1",
      orderDate,
      amountMinor: 1000n,
      currency: "USD",
      lineItems: [
        { sku: "mug", quantity: 3, unitAmountMinor: 333 },
        { sku: "sticker", name: "Sticker", quantity: 1, unitAmountMinor: 1 },
      ],
    });
    assert.deepEqual(
      [fields.amount, fields.productName, fields.productCount, fields.productPrice],
      ["10", ["mug", "Sticker"], ["3", "1"], ["3.33", "0.01"]],
    );
    assert.equal(
      fields.merchantSignature,
      sign("test_merch_n1;shop.example;ord_1;1415379863;10;USD;mug;Sticker;3;1;3.33;0.01", SECRET),
    );
  });

  it("prints amounts exactly from minor units, in the shortest form", () => {
    const amountOf = (amountMinor: number | bigint, currency: string) =>
      buildPurchaseRequest(settings, { orderReference: "ord_1", orderDate, amountMinor, currency }).fields.amount;
    assert.equal(amountOf(154736, "UAH"), "1547.36");
    assert.equal(amountOf(154730, "UAH"), "1547.3");
    assert.equal(amountOf(100000, "UAH"), "1000");
    assert.equal(amountOf(1, "UAH"), "0.01");
    assert.equal(amountOf(1547, "JPY"), "1547");
    assert.equal(amountOf(1234, "BHD"), "1.234");
    assert.equal(amountOf(900719925474099312n, "USD"), "9007199254740993.12");
  });

  it("makes an order without line items one product at the full amount", () => {
    const plain = buildPurchaseRequest(settings, {
      orderReference: "ord_1",
      orderDate,
      amountMinor: 4900,
      currency: "UAH",
    });
    assert.deepEqual(
      [plain.fields.productName, plain.fields.productCount, plain.fields.productPrice],
      [["Order ord_1"], ["1"], ["49"]],
    );
    assert.equal(
      plain.fields.merchantSignature,
      sign("test_merch_n1;shop.example;ord_1;1415379863;49;UAH;Order ord_1;1;49", SECRET),
    );
    const named = buildPurchaseRequest(settings, {
      orderReference: "ord_1",
      orderDate,
      amountMinor: 4900,
      currency: "UAH",
      lineItems: [],
      description: "Membership, 1 year",
    });
    assert.deepEqual(named.fields.productName, ["Membership, 1 year"]);
  });

  it("refuses line items that do not add up to the amount", () => {
    assert.throws(
      () =>
        buildPurchaseRequest(settings, {
          orderReference: "ord_1",
          orderDate,
          amountMinor: 1000,
          currency: "UAH",
          lineItems: [{ sku: "a", quantity: 3, unitAmountMinor: 333 }],
        }),
      (error) =>
        error instanceof WayForPayCheckoutError && /999 minor units, not the order amount 1000/.test(error.message),
    );
  });

  it("includes returnUrl, serviceUrl and language only when given, and signs none of them", () => {
    const base = { orderReference: "ord_1", orderDate, amountMinor: 4900, currency: "UAH" };
    const without = buildPurchaseRequest(settings, base).fields;
    assert.ok(!("returnUrl" in without) && !("serviceUrl" in without) && !("language" in without));
    const withUrls = buildPurchaseRequest(
      { ...settings, returnUrl: "https://shop.example/paid", serviceUrl: "https://shop.example/wfp", language: "UA" },
      base,
    ).fields;
    assert.equal(withUrls.returnUrl, "https://shop.example/paid");
    assert.equal(withUrls.serviceUrl, "https://shop.example/wfp");
    assert.equal(withUrls.language, "UA");
    assert.equal(withUrls.merchantSignature, without.merchantSignature);
  });

  it("refuses bad input with a typed error", () => {
    const base = { orderReference: "ord_1", orderDate, amountMinor: 4900, currency: "UAH" };
    const bad = [
      [settings, { ...base, amountMinor: 0 }],
      [settings, { ...base, amountMinor: -1 }],
      [settings, { ...base, amountMinor: 12.5 }],
      [settings, { ...base, amountMinor: -1n }],
      [settings, { ...base, currency: "uah" }],
      [settings, { ...base, currency: "XYZ" }],
      [settings, { ...base, orderReference: "" }],
      [settings, { ...base, orderDate: new Date(Number.NaN) }],
      [{ ...settings, merchantDomainName: " " }, base],
      [{ ...settings, merchantAccount: "" }, base],
      [settings, { ...base, lineItems: [{ quantity: 1, unitAmountMinor: 4900 }] }],
      [settings, { ...base, lineItems: [{ sku: "a", quantity: 0, unitAmountMinor: 4900 }] }],
      [settings, { ...base, lineItems: [{ sku: "a", quantity: 1.5, unitAmountMinor: 4900 }] }],
      [settings, { ...base, lineItems: [{ sku: "a", quantity: 1, unitAmountMinor: 49.0001 }] }],
    ] as const;
    bad.forEach(([s, order], i) => {
      assert.throws(() => buildPurchaseRequest(s, order), WayForPayCheckoutError, `case ${i}`);
    });
  });
});

describe("purchaseFormEntries", () => {
  it("lists the inputs in order, arrays as repeated name[] entries", () => {
    const { fields } = buildPurchaseRequest(
      { ...settings, returnUrl: "https://shop.example/paid" },
      {
        orderReference: "ord_1",
        orderDate,
        amountMinor: 1000,
        currency: "USD",
        lineItems: [
          { sku: "mug", quantity: 3, unitAmountMinor: 333 },
          { sku: "sticker", quantity: 1, unitAmountMinor: 1 },
        ],
      },
    );
    assert.deepEqual(purchaseFormEntries(fields), [
      ["merchantAccount", "test_merch_n1"],
      ["merchantAuthType", "SimpleSignature"],
      ["merchantDomainName", "shop.example"],
      ["merchantTransactionSecureType", "AUTO"],
      ["merchantSignature", fields.merchantSignature],
      ["orderReference", "ord_1"],
      ["orderDate", "1415379863"],
      ["amount", "10"],
      ["currency", "USD"],
      ["productName[]", "mug"],
      ["productName[]", "sticker"],
      ["productPrice[]", "3.33"],
      ["productPrice[]", "0.01"],
      ["productCount[]", "3"],
      ["productCount[]", "1"],
      ["returnUrl", "https://shop.example/paid"],
    ]);
  });
});
