// Placeholder until the store page lands.
import { useTranslation } from "react-i18next";

export function StorePage() {
  const { t } = useTranslation("store");
  return (
    <section className="page">
      <h1>{t("title")}</h1>
    </section>
  );
}
