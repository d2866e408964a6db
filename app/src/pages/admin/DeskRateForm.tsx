// Set a currency's desk rate (PUT /api/admin/desk-rates/{currency}): typed as a decimal
// ("1.25 USD per token"), sent as the integer answer and decimals the server stores.
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Notice } from "../../components/status.tsx";
import { Field } from "./Field.tsx";
import { decimalToRate, rateToDecimal } from "./format.ts";
import { useSaveDeskRate } from "./queries.ts";
import { formErrors } from "./server-errors.ts";
import type { DeskRate } from "./types.ts";

const CURRENCY = /^[A-Z]{3}$/;

export function DeskRateForm({ initial }: { initial: { currency: string; rate?: DeskRate | undefined } }) {
  const { t } = useTranslation("admin");
  const save = useSaveDeskRate();
  const [currency, setCurrency] = useState(initial.currency);
  const [rate, setRate] = useState(initial.rate ? rateToDecimal(initial.rate.answer, initial.rate.decimals) : "");
  const [local, setLocal] = useState<Record<string, string>>({});
  const server = formErrors(save.error, { invalid_desk_rate: "answer" });
  const rateError = local.rate ?? server.fields.answer ?? server.fields.decimals;
  const currencyError = local.currency ?? server.fields.currency;
  const parsed = decimalToRate(rate);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const code = currency.trim().toUpperCase();
    if (!CURRENCY.test(code)) found.currency = t("prices.errors.currency");
    if (!parsed) found.rate = t("prices.errors.rate");
    setLocal(found);
    if (!parsed || Object.keys(found).length > 0) return;
    save.mutate({ currency: code, ...parsed });
  }

  return (
    <form className="admin-form" onSubmit={submit} noValidate aria-labelledby="admin-desk-rate-form">
      <h3 id="admin-desk-rate-form" className="admin-form-actions">
        {t("prices.rateForm")}
      </h3>
      <Field label={t("prices.currency")} hint={t("prices.currencyHint")} error={currencyError}>
        {(props) => (
          <input
            {...props}
            value={currency}
            onChange={(event) => setCurrency(event.target.value.toUpperCase())}
            maxLength={3}
            autoComplete="off"
          />
        )}
      </Field>
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
      <div className="admin-form-actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? t("prices.saving") : t("prices.saveRate")}
        </button>
      </div>
      <div className="admin-form-actions" aria-live="polite">
        {server.form && (
          <p className="field-error" role="alert">
            {server.form}
          </p>
        )}
        {save.isSuccess && (
          <Notice kind="success">
            {t("prices.rateSaved", {
              currency: save.variables.currency,
              rate: rateToDecimal(save.variables.answer, save.variables.decimals),
            })}
          </Notice>
        )}
      </div>
    </form>
  );
}
