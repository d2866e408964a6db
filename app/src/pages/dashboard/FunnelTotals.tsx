// The funnel's totals as a row of figures: visits → sign-ups → orders → rewards → paid.
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import { sumWei } from "./money.ts";
import type { FunnelCounts } from "./types.ts";

/** Rewards that never pay: left out of "earned". */
const UNPAID = new Set(["rejected", "cancelled"]);

export function FunnelTotals({ counts }: { counts: FunnelCounts }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const rewards = counts.rewards.reduce((sum, entry) => sum + entry.count, 0);
  const earned = sumWei(counts.rewards.filter((entry) => !UNPAID.has(entry.state)).map((entry) => entry.tokenAmount));
  const minted = counts.rewards.find((entry) => entry.state === "minted");
  const paid = counts.paidOnChain ?? { count: minted?.count ?? 0, tokenAmount: minted?.tokenAmount ?? "0" };
  const conversion = counts.visits > 0 ? counts.attributedOrders / counts.visits : null;

  const stats: { key: string; label: string; value: string; detail?: string }[] = [
    {
      key: "visits",
      label: t("funnel.visits"),
      value: format.number(counts.visits),
      detail: t("funnel.uniqueVisitors", { value: format.number(counts.uniqueVisitors) }),
    },
    { key: "signups", label: t("funnel.signups"), value: format.number(counts.signups) },
    {
      key: "orders",
      label: t("funnel.orders"),
      value: format.number(counts.attributedOrders),
      detail: t("funnel.ordersDetail", {
        orders: format.number(counts.orders),
        rate: conversion === null ? "—" : `${format.number(conversion * 100, 1)} %`,
      }),
    },
    {
      key: "rewards",
      label: t("funnel.rewards"),
      value: format.number(rewards),
      detail: t("funnel.earned", { amount: format.tokens(earned) }),
    },
    {
      key: "paid",
      label: t("funnel.paid"),
      value: format.number(paid.count),
      detail: `${format.tokens(paid.tokenAmount)}${counts.paidOnChain ? "" : ` · ${t("funnel.paidFromLedger")}`}`,
    },
  ];

  return (
    <dl className="cards funnel-totals" data-testid="funnel-totals">
      {stats.map((stat) => (
        <div key={stat.key} className="card" data-stat={stat.key}>
          <dt>{stat.label}</dt>
          <dd className="stat">{stat.value}</dd>
          {stat.detail && <dd className="hint">{stat.detail}</dd>}
        </div>
      ))}
    </dl>
  );
}
