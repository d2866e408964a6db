// Price sources and desk rates: what is set for each currency, and the two forms to change them.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { DeskRateForm } from "./DeskRateForm.tsx";
import { PriceSourceForm } from "./PriceSourceForm.tsx";
import { PriceTable } from "./PriceTable.tsx";
import { useDeskRates, usePriceSources } from "./queries.ts";

export function PriceSettings() {
  const { t } = useTranslation("admin");
  const sources = usePriceSources();
  const rates = useDeskRates();
  const [editing, setEditing] = useState({ currency: "", version: 0 });

  function edit(currency: string) {
    setEditing((current) => ({ currency, version: current.version + 1 }));
    document.getElementById("admin-price-source-form")?.scrollIntoView({ block: "start" });
  }

  const source = sources.data?.find((s) => s.currency === editing.currency);
  const rate = rates.data?.find((r) => r.currency === editing.currency);
  const formKey = `${editing.currency}-${editing.version}`;

  return (
    <section aria-labelledby="admin-prices">
      <h2 id="admin-prices">{t("prices.title")}</h2>
      <p className="hint">{t("prices.intro")}</p>
      {sources.isPending || rates.isPending ? (
        <Loading label={t("prices.loading")} />
      ) : sources.isError || rates.isError ? (
        <ErrorNotice
          error={sources.error ?? rates.error}
          retry={() => {
            void sources.refetch();
            void rates.refetch();
          }}
        />
      ) : sources.data.length === 0 && rates.data.length === 0 ? (
        <Notice kind="warning">{t("prices.none")}</Notice>
      ) : (
        <PriceTable sources={sources.data} rates={rates.data} onEdit={edit} />
      )}
      <div className="admin-cards">
        <div className="card">
          <PriceSourceForm key={formKey} initial={{ currency: editing.currency, source }} />
        </div>
        <div className="card">
          <DeskRateForm key={formKey} initial={{ currency: editing.currency, rate }} />
        </div>
      </div>
    </section>
  );
}
