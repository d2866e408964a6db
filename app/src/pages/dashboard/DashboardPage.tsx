// Placeholder until the dashboard page lands.
import { useTranslation } from "react-i18next";

export function DashboardPage() {
  const { t } = useTranslation("dashboard");
  return (
    <section className="page">
      <h1>{t("title")}</h1>
    </section>
  );
}
