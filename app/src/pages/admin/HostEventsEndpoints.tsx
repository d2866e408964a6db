// The endpoints that receive host events: URL, types, on or off (with a button to switch), created.
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import { useUpdateEventEndpoint } from "./queries.ts";
import type { EventEndpoint } from "./types.ts";

export function HostEventsEndpoints({ endpoints }: { endpoints: EventEndpoint[] }) {
  const { t } = useTranslation("admin");
  const format = useFormat();

  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("events.endpoints.tableLabel")}>
      <table data-testid="event-endpoints">
        <thead>
          <tr>
            <th scope="col">{t("events.endpoints.url")}</th>
            <th scope="col">{t("events.endpoints.types")}</th>
            <th scope="col">{t("events.endpoints.active")}</th>
            <th scope="col">{t("events.endpoints.created")}</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} data-endpoint={endpoint.id} data-active={String(endpoint.active)}>
              <th scope="row" className="event-url">
                <span className="mono">{endpoint.url}</span>
                {endpoint.description && <div className="hint">{endpoint.description}</div>}
              </th>
              <td>
                {endpoint.eventTypes.length === 0 ? (
                  t("events.endpoints.allTypes")
                ) : (
                  <ul className="event-type-list">
                    {endpoint.eventTypes.map((type) => (
                      <li key={type} className="mono">
                        {type}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <ActiveToggle endpoint={endpoint} />
              </td>
              <td>{format.dateTime(endpoint.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The endpoint's state and the button that switches it (PATCH {active}); a switched-off endpoint
 *  keeps its queued deliveries and gets no new ones. */
function ActiveToggle({ endpoint }: { endpoint: EventEndpoint }) {
  const { t } = useTranslation("admin");
  const update = useUpdateEventEndpoint();
  return (
    <div className="event-toggle" aria-live="polite">
      <span className={`state ${endpoint.active ? "state-delivered" : "state-failed"}`}>
        {endpoint.active ? t("events.endpoints.on") : t("events.endpoints.off")}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={update.isPending}
        onClick={() => update.mutate({ id: endpoint.id, active: !endpoint.active })}
      >
        {update.isPending
          ? t("events.endpoints.switching")
          : endpoint.active
            ? t("events.endpoints.switchOff")
            : t("events.endpoints.switchOn")}
        <span className="visually-hidden"> {endpoint.url}</span>
      </button>
      {update.isError && (
        <p className="field-error" role="alert">
          {update.error.message}
        </p>
      )}
    </div>
  );
}
