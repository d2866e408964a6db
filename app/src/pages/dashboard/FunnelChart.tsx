// The daily funnel as lines (visits, sign-ups, orders, rewards, paid), with a text alternative:
// a summary for screen readers and the same numbers as a table under a disclosure.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type uPlot from "uplot";
import { useFormat } from "../../i18n/format.ts";
import { DailyTable } from "./DailyTable.tsx";
import { dayValues, formatDay, SERIES_KEYS } from "./funnel-series.ts";
import type { Day } from "./types.ts";
import { UPlotChart } from "./UPlotChart.tsx";

/** Colours with AA contrast on white, told apart by dash pattern too. */
const SERIES = [
  { key: "visits", stroke: "#0b57d0", dash: undefined },
  { key: "signups", stroke: "#7b1fa2", dash: [8, 4] },
  { key: "orders", stroke: "#b35900", dash: [2, 3] },
  { key: "rewards", stroke: "#00796b", dash: [12, 4, 2, 4] },
  { key: "paid", stroke: "#146c2e", dash: [4, 4] },
] as const;

export function FunnelChart({ days }: { days: Day[] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();

  const data = useMemo<uPlot.AlignedData>(
    () => [
      days.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000),
      ...SERIES.map((series) => days.map((day) => dayValues(day)[series.key])),
    ],
    [days],
  );

  const options = useMemo<Omit<uPlot.Options, "width" | "height">>(() => {
    const dayLabel = new Intl.DateTimeFormat(format.locale, { month: "short", day: "numeric", timeZone: "UTC" });
    const count = new Intl.NumberFormat(format.locale, { maximumFractionDigits: 0 });
    return {
      series: [
        { label: t("funnel.day"), value: (_u, v) => (v == null ? "—" : dayLabel.format(new Date(v * 1000))) },
        ...SERIES.map((series) => ({
          label: t(`funnel.${series.key}`),
          stroke: series.stroke,
          width: 2,
          ...(series.dash ? { dash: [...series.dash] } : {}),
          points: { show: days.length <= 31 },
          value: (_u: uPlot, v: number | null) => (v == null ? "—" : count.format(v)),
        })),
      ],
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [
        {
          values: (_u, splits) => splits.map((split) => dayLabel.format(new Date(split * 1000))),
          space: 60,
        },
        {
          values: (_u, splits) => splits.map((split) => (Number.isInteger(split) ? count.format(split) : "")),
          size: 48,
        },
      ],
      cursor: { points: { size: 7 } },
    };
  }, [t, format.locale, days.length]);

  const totals = { visits: 0, signups: 0, orders: 0, rewards: 0, paid: 0 };
  for (const day of days) {
    const values = dayValues(day);
    for (const key of SERIES_KEYS) totals[key] += values[key];
  }
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  const summary = t("funnel.chartSummary", {
    from: first && formatDay(format.locale, first),
    to: last && formatDay(format.locale, last),
    visits: format.number(totals.visits),
    signups: format.number(totals.signups),
    orders: format.number(totals.orders),
    rewards: format.number(totals.rewards),
    paid: format.number(totals.paid),
  });
  const paidUnknown = days.length > 0 && days.every((day) => day.paidOnChain === null);

  return (
    <figure className="funnel-chart" data-testid="funnel-chart">
      <figcaption>
        <strong>{t("funnel.chartTitle")}</strong>
        <span className="visually-hidden"> {summary}</span>
      </figcaption>
      <div role="img" aria-label={summary}>
        <UPlotChart options={options} data={data} />
      </div>
      {paidUnknown && <p className="hint">{t("funnel.paidUnknown")}</p>}
      <details>
        <summary>{t("funnel.showTable")}</summary>
        <DailyTable days={days} />
      </details>
    </figure>
  );
}
