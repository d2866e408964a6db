// One delivery of the log: what was sent where, its state and last result, when it is next tried
// (or was delivered), a re-send button with its outcome, and a disclosure with its attempts.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import { extraError, HostEventsDeliveryDetails } from "./HostEventsDeliveryDetails.tsx";
import { useResendDelivery } from "./queries.ts";
import type { EventDelivery } from "./types.ts";

const COLUMNS = 8;

export function HostEventsDeliveryRow({ delivery, endpointUrl }: { delivery: EventDelivery; endpointUrl: string }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const resend = useResendDelivery(delivery.id);
  const [open, setOpen] = useState(false);
  const detailsId = `admin-event-delivery-${delivery.id}`;
  const error = extraError(delivery.lastStatus, delivery.lastError);
  const which = <span className="visually-hidden"> {t("events.log.deliveryNumber", { id: delivery.id })}</span>;

  return (
    <>
      <tr
        data-testid="event-delivery"
        data-delivery={delivery.id}
        data-reward={delivery.rewardId}
        data-state={delivery.state}
        className={open ? "selected" : undefined}
      >
        <td className="mono">{delivery.eventType}</td>
        <td className="mono" title={delivery.rewardId}>
          {delivery.rewardId.slice(0, 8)}…
        </td>
        <td className="event-url">
          <span className="mono">{endpointUrl}</span>
        </td>
        <td>
          <span className={`state state-${delivery.state}`}>{t(`events.state.${delivery.state}`)}</span>
        </td>
        <td className="num">{format.number(delivery.attempts)}</td>
        <td className="event-last">
          {delivery.lastStatus !== null && <span className="mono">HTTP {delivery.lastStatus}</span>}
          {error && <div className="field-error">{error}</div>}
          {delivery.lastStatus === null && !error && "—"}
        </td>
        <td className="event-when">
          {delivery.state === "delivered" && delivery.deliveredAt
            ? t("events.log.deliveredAt", { date: format.dateTime(delivery.deliveredAt) })
            : delivery.state === "pending" && delivery.nextAttemptAt
              ? t("events.log.nextAttempt", { date: format.dateTime(delivery.nextAttemptAt) })
              : t("events.log.gaveUp")}
        </td>
        <td className="event-actions">
          <div className="admin-actions">
            <button type="button" disabled={resend.isPending} onClick={() => resend.mutate()}>
              {resend.isPending ? t("events.log.resending") : t("events.log.resend")}
              {which}
            </button>
            <button
              type="button"
              className="secondary"
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => setOpen(!open)}
            >
              {open ? t("events.log.hideDetails") : t("events.log.details")}
              {which}
            </button>
          </div>
          <div aria-live="polite" data-testid="resend-outcome">
            {resend.isSuccess &&
              (resend.data.state === "delivered" ? (
                <span className="event-ok">
                  {t("events.log.resentDelivered", { status: resend.data.lastStatus ?? "—" })}
                </span>
              ) : (
                <span className="field-error">
                  {t("events.log.resentFailed", {
                    error: resend.data.lastError ?? `HTTP ${resend.data.lastStatus}`,
                  })}
                </span>
              ))}
            {resend.isError && (
              <span className="field-error" role="alert">
                {resend.error.message}
              </span>
            )}
          </div>
        </td>
      </tr>
      <tr id={detailsId} className="event-details-row" hidden={!open}>
        <td colSpan={COLUMNS}>{open && <HostEventsDeliveryDetails id={delivery.id} />}</td>
      </tr>
    </>
  );
}
