import { useTranslation } from "react-i18next";
import { useRouteError } from "react-router";
import { ErrorNotice } from "./status.tsx";

export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <main id="main" className="page">
      <h1>{t("status.pageFailed")}</h1>
      <ErrorNotice error={error} retry={() => window.location.reload()} />
    </main>
  );
}
