// "Performance": the funnel totals, the daily chart (with its table) and the per-code breakdown
// over the last 7, 30 or 90 UTC days, from the analytics GraphQL.
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { ByCodeTable } from "./ByCodeTable.tsx";
import { FunnelChart } from "./FunnelChart.tsx";
import { formatDay } from "./funnel-series.ts";
import { FunnelTotals } from "./FunnelTotals.tsx";
import { useAnalytics } from "./queries.ts";

const RANGES = [7, 30, 90] as const;

export function FunnelSection({ userId, wallet }: { userId: string; wallet: string }) {
  const { t } = useTranslation("dashboard");
  const id = useId();
  const { locale } = useFormat();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const analytics = useAnalytics(userId, wallet, days);

  return (
    <section className="dashboard-section" aria-labelledby="funnel-heading" aria-busy={analytics.isFetching}>
      <h2 id="funnel-heading">{t("funnel.heading")}</h2>
      <fieldset className="range-picker">
        <legend>{t("funnel.range")}</legend>
        {RANGES.map((range) => (
          <label key={range} className="range-option">
            <input
              type="radio"
              name={`${id}-range`}
              value={range}
              checked={days === range}
              onChange={() => setDays(range)}
            />
            {t("funnel.days", { n: range })}
          </label>
        ))}
      </fieldset>
      {analytics.isPending ? (
        <Loading label={t("funnel.loading")} />
      ) : analytics.isError ? (
        <ErrorNotice error={analytics.error} retry={() => void analytics.refetch()} />
      ) : (
        <>
          {analytics.isPlaceholderData && <Loading label={t("funnel.updating")} />}
          <p className="hint">
            {t("funnel.period", {
              from: formatDay(locale, analytics.data.funnel.from),
              to: formatDay(locale, analytics.data.funnel.to),
            })}
          </p>
          <FunnelTotals counts={analytics.data.funnel.total} />
          <FunnelChart days={analytics.data.daily} />
          <ByCodeTable rows={analytics.data.funnel.byCode} />
        </>
      )}
    </section>
  );
}
