// The chart's numbers, one row per UTC day: the chart's text alternative.
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import { dayValues, formatDay, SERIES_KEYS as COLUMNS } from "./funnel-series.ts";
import type { Day } from "./types.ts";

export function DailyTable({ days }: { days: Day[] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("funnel.tableLabel")}>
      <table data-testid="funnel-table">
        <caption className="visually-hidden">{t("funnel.tableLabel")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("funnel.day")}</th>
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className="num">
                {t(`funnel.${column}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...days].reverse().map((day) => {
            const values = dayValues(day);
            return (
              <tr key={day.day}>
                <th scope="row">
                  <time dateTime={day.day}>{formatDay(format.locale, day.day)}</time>
                </th>
                {COLUMNS.map((column) => (
                  <td key={column} className="num">
                    {format.number(values[column])}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
