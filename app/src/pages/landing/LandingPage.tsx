// Placeholder until the landing page lands.
import { useTranslation } from "react-i18next";

export function LandingPage() {
  const { t } = useTranslation("landing");
  return (
    <section className="page">
      <h1>{t("title")}</h1>
    </section>
  );
}
