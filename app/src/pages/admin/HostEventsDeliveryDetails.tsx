// A delivery's details (GET /api/admin/event-deliveries/{id}): every attempt, newest first, and
// the exact body each of them POSTed and signed.
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { useEventDelivery } from "./queries.ts";

/** "HTTP 500" is already said by the status; any other error (a timeout, a refused connection) is not. */
export const extraError = (status: number | null, error: string | null) =>
  error && error !== `HTTP ${status}` ? error : null;

export function HostEventsDeliveryDetails({ id }: { id: number }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const detail = useEventDelivery(id, true);

  if (detail.isPending) return <Loading label={t("events.details.loading")} />;
  if (detail.isError) return <ErrorNotice error={detail.error} retry={() => void detail.refetch()} />;
  const { data } = detail;
  const trigger = (value: string) =>
    value === "dispatcher"
      ? t("events.details.byDispatcher")
      : value.startsWith("admin:")
        ? t("events.details.byAdmin", { wallet: value.slice("admin:".length) })
        : value;

  return (
    <div className="event-details" data-testid="delivery-details">
      <dl className="admin-facts">
        <dt>{t("events.details.eventId")}</dt>
        <dd className="mono">{data.eventId}</dd>
        <dt>{t("events.details.rewardId")}</dt>
        <dd className="mono">{data.rewardId}</dd>
        <dt>{t("events.details.created")}</dt>
        <dd>{format.dateTime(data.createdAt)}</dd>
      </dl>
      <h4>{t("events.details.attempts", { count: data.log.length, n: format.number(data.log.length) })}</h4>
      {data.log.length > 0 && (
        <div
          className="table-wrap"
          tabIndex={0}
          role="region"
          aria-label={t("events.details.attemptsLabel", { id: data.id })}
        >
          <table className="event-attempts" data-testid="delivery-attempts">
            <thead>
              <tr>
                <th scope="col">{t("events.details.at")}</th>
                <th scope="col">{t("events.details.trigger")}</th>
                <th scope="col">{t("events.details.status")}</th>
                <th scope="col">{t("events.details.error")}</th>
                <th scope="col" className="num">
                  {t("events.details.duration")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.log.map((attempt) => (
                <tr key={attempt.id} data-status={attempt.status ?? ""}>
                  <td className="event-time">{format.dateTime(attempt.at)}</td>
                  <td className="wrap">{trigger(attempt.trigger)}</td>
                  <td className="mono">{attempt.status ?? "—"}</td>
                  <td className="wrap">
                    {extraError(attempt.status, attempt.error) ?? (attempt.status === null ? "—" : null)}
                    {attempt.responseBody && (
                      <div className="hint">
                        {t("events.details.response")} <span className="mono">{attempt.responseBody}</span>
                      </div>
                    )}
                  </td>
                  <td className="num">{t("events.details.ms", { ms: format.number(attempt.durationMs) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h4>{t("events.details.body")}</h4>
      <pre className="event-body" data-testid="delivery-body">
        {data.body}
      </pre>
    </div>
  );
}
