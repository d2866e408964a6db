// Placeholder until the admin page lands.
import { useTranslation } from "react-i18next";

export function AdminPage() {
  const { t } = useTranslation("admin");
  return (
    <section className="page">
      <h1>{t("title")}</h1>
    </section>
  );
}
