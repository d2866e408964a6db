// Placeholder until the verify page lands.
import { useTranslation } from "react-i18next";

export function VerifyPage() {
  const { t } = useTranslation("verify");
  return (
    <section className="page">
      <h1>{t("title")}</h1>
    </section>
  );
}
