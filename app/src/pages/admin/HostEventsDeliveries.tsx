// The delivery log (GET /api/admin/event-deliveries): filtered by state and endpoint, newest
// first, older pages loaded with `before`; each row can be re-sent and opened for its attempts.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { Field } from "./Field.tsx";
import { HostEventsDeliveryRow } from "./HostEventsDeliveryRow.tsx";
import { useEventDeliveries } from "./queries.ts";
import { type DeliveryFilter, type DeliveryState, deliveryStates, type EventEndpoint } from "./types.ts";

export function HostEventsDeliveries({ endpoints }: { endpoints: EventEndpoint[] }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const [filter, setFilter] = useState<DeliveryFilter>({ state: "", endpointId: "" });
  const log = useEventDeliveries(filter);
  const rows = log.data?.pages.flat() ?? [];
  const urlOf = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.url]));

  return (
    <div className="event-log" data-testid="event-deliveries">
      <h3 id="admin-events-log">{t("events.log.title")}</h3>
      <form
        className="admin-form"
        onSubmit={(event) => {
          event.preventDefault();
          void log.refetch();
        }}
        aria-label={t("events.log.filters")}
      >
        <Field label={t("events.log.state")}>
          {(props) => (
            <select
              {...props}
              value={filter.state}
              onChange={(event) => setFilter({ ...filter, state: event.target.value as DeliveryState | "" })}
            >
              <option value="">{t("events.log.anyState")}</option>
              {deliveryStates.map((state) => (
                <option key={state} value={state}>
                  {t(`events.state.${state}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("events.log.endpoint")}>
          {(props) => (
            <select
              {...props}
              value={filter.endpointId}
              onChange={(event) => setFilter({ ...filter, endpointId: event.target.value })}
            >
              <option value="">{t("events.log.anyEndpoint")}</option>
              {endpoints.map((endpoint) => (
                <option key={endpoint.id} value={endpoint.id}>
                  {endpoint.url}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="admin-form-actions">
          <button type="submit" className="secondary" disabled={log.isFetching}>
            {t("events.log.refresh")}
          </button>
        </div>
      </form>
      {log.isPending ? (
        <Loading label={t("events.log.loading")} />
      ) : log.isError && rows.length === 0 ? (
        <ErrorNotice error={log.error} retry={() => void log.refetch()} />
      ) : rows.length === 0 ? (
        <Notice>{filter.state || filter.endpointId ? t("events.log.noneMatching") : t("events.log.none")}</Notice>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t("events.log.tableLabel")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("events.log.event")}</th>
                  <th scope="col">{t("events.log.reward")}</th>
                  <th scope="col">{t("events.log.endpointUrl")}</th>
                  <th scope="col">{t("events.log.stateColumn")}</th>
                  <th scope="col" className="num">
                    {t("events.log.attempts")}
                  </th>
                  <th scope="col">{t("events.log.last")}</th>
                  <th scope="col">{t("events.log.when")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("events.log.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((delivery) => (
                  <HostEventsDeliveryRow
                    key={delivery.id}
                    delivery={delivery}
                    endpointUrl={urlOf.get(delivery.endpointId) ?? delivery.endpointId}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {log.isError && <ErrorNotice error={log.error} retry={() => void log.refetch()} />}
          <div className="admin-actions" aria-live="polite">
            <span className="hint">{t("events.log.shown", { count: rows.length, n: format.number(rows.length) })}</span>
            {log.hasNextPage && (
              <button
                type="button"
                className="secondary"
                disabled={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
              >
                {log.isFetchingNextPage ? t("events.log.loadingOlder") : t("events.log.loadOlder")}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
