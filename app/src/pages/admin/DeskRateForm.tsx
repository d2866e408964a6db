// Set a currency's desk rate (PUT /api/admin/desk-rates/{currency}): typed as a decimal
// ("1.25 USD per token"), sent as the integer answer and decimals the server stores.
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { priceToDecimal } from "../../i18n/money.ts";
import { Field } from "./Field.tsx";
import { decimalToRate } from "./format.ts";
import { currencyCode, CurrencyField, SaveActions } from "./PriceFormParts.tsx";
import { useSaveDeskRate } from "./queries.ts";
import { formErrors } from "./server-errors.ts";
import type { DeskRate } from "./types.ts";

export function DeskRateForm({ initial }: { initial: { currency: string; rate?: DeskRate | undefined } }) {
  const { t } = useTranslation("admin");
  const save = useSaveDeskRate();
  const [currency, setCurrency] = useState(initial.currency);
  const [rate, setRate] = useState(initial.rate ? priceToDecimal(initial.rate) : "");
  const [local, setLocal] = useState<Record<string, string>>({});
  const server = formErrors(save.error, { invalid_desk_rate: "answer" });
  const rateError = local.rate ?? server.fields.answer ?? server.fields.decimals;
  const parsed = decimalToRate(rate);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const code = currencyCode(currency);
    if (!code) found.currency = t("prices.errors.currency");
    if (!parsed) found.rate = t("prices.errors.rate");
    setLocal(found);
    if (!code || !parsed) return;
    save.mutate({ currency: code, ...parsed });
  }

  return (
    <form className="admin-form" onSubmit={submit} noValidate aria-labelledby="admin-desk-rate-form">
      <h3 id="admin-desk-rate-form" className="admin-form-actions">
        {t("prices.rateForm")}
      </h3>
      <CurrencyField value={currency} onChange={setCurrency} error={local.currency ?? server.fields.currency} />
      <Field
        label={t("prices.rateInput", { currency: currency || "…" })}
        hint={parsed ? t("prices.rateStored", parsed) : t("prices.rateHint")}
        error={rateError}
      >
        {(props) => (
          <input
            {...props}
            inputMode="decimal"
            value={rate}
            onChange={(event) => setRate(event.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <SaveActions
        label={t("prices.saveRate")}
        saving={save.isPending}
        formError={server.form}
        saved={
          save.isSuccess
            ? t("prices.rateSaved", { currency: save.variables.currency, rate: priceToDecimal(save.variables) })
            : null
        }
      />
    </form>
  );
}
