// Host events (server/host-events/): the host platform's endpoints that receive signed reward
// events, the form that adds one (and shows its secret once), and the delivery log.
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { HostEventsDeliveries } from "./HostEventsDeliveries.tsx";
import { HostEventsEndpointForm } from "./HostEventsEndpointForm.tsx";
import { HostEventsEndpoints } from "./HostEventsEndpoints.tsx";
import { useEventEndpoints } from "./queries.ts";

export function HostEvents() {
  const { t } = useTranslation("admin");
  const endpoints = useEventEndpoints();

  return (
    <section aria-labelledby="admin-events" data-testid="host-events">
      <h2 id="admin-events">{t("events.title")}</h2>
      <p className="hint">{t("events.intro")}</p>
      <h3 id="admin-events-endpoints">{t("events.endpoints.title")}</h3>
      {endpoints.isPending ? (
        <Loading label={t("events.endpoints.loading")} />
      ) : endpoints.isError ? (
        <ErrorNotice error={endpoints.error} retry={() => void endpoints.refetch()} />
      ) : endpoints.data.length === 0 ? (
        <Notice>{t("events.endpoints.none")}</Notice>
      ) : (
        <HostEventsEndpoints endpoints={endpoints.data} />
      )}
      <div className="admin-cards">
        <div className="card">
          <HostEventsEndpointForm />
        </div>
      </div>
      <HostEventsDeliveries endpoints={endpoints.data ?? []} />
    </section>
  );
}
