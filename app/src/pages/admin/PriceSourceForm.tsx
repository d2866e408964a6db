// Set a currency's price source (PUT /api/admin/price-sources/{currency}): an AggregatorV3
// feed, or the admin's desk rate. Checked here first; the server's field errors are shown too.
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "./Field.tsx";
import { ADDRESS } from "./format.ts";
import { currencyCode, CurrencyField, SaveActions } from "./PriceFormParts.tsx";
import { type PriceSourceInput, useSavePriceSource } from "./queries.ts";
import { formErrors } from "./server-errors.ts";
import type { PriceSource } from "./types.ts";

const MAX_AGE = 2_147_483_647;

export function PriceSourceForm({ initial }: { initial: { currency: string; source?: PriceSource | undefined } }) {
  const { t } = useTranslation("admin");
  const save = useSavePriceSource();
  const [currency, setCurrency] = useState(initial.currency);
  const [kind, setKind] = useState<PriceSourceInput["kind"]>(initial.source?.kind ?? "desk");
  const [feed, setFeed] = useState(initial.source?.feed ?? "");
  const [maxAge, setMaxAge] = useState(initial.source ? String(initial.source.maxAgeSeconds) : "");
  const [local, setLocal] = useState<Record<string, string>>({});
  const server = formErrors(save.error, { feed_required: "feed" });
  const errors = { ...server.fields, ...local };

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const code = currencyCode(currency);
    if (!code) found.currency = t("prices.errors.currency");
    if (kind === "aggregator" && !ADDRESS.test(feed.trim())) found.feed = t("prices.errors.feed");
    const age = maxAge.trim() === "" ? undefined : Number(maxAge);
    if (age !== undefined && (!Number.isInteger(age) || age <= 0 || age > MAX_AGE)) {
      found.maxAgeSeconds = t("prices.errors.maxAge");
    }
    setLocal(found);
    if (!code || Object.keys(found).length > 0) return;
    save.mutate({
      currency: code,
      kind,
      ...(kind === "aggregator" ? { feed: feed.trim() } : {}),
      ...(age !== undefined ? { maxAgeSeconds: age } : {}),
    });
  }

  return (
    <form className="admin-form" onSubmit={submit} noValidate aria-labelledby="admin-price-source-form">
      <h3 id="admin-price-source-form" className="admin-form-actions">
        {t("prices.sourceForm")}
      </h3>
      <CurrencyField value={currency} onChange={setCurrency} error={errors.currency} />
      <Field label={t("prices.source")} error={errors.kind}>
        {(props) => (
          <select {...props} value={kind} onChange={(event) => setKind(event.target.value as PriceSourceInput["kind"])}>
            <option value="desk">{t("prices.kind.desk")}</option>
            <option value="aggregator">{t("prices.kind.aggregator")}</option>
          </select>
        )}
      </Field>
      {kind === "aggregator" && (
        <Field label={t("prices.feed")} hint={t("prices.feedHint")} error={errors.feed}>
          {(props) => (
            <input
              {...props}
              className="mono"
              value={feed}
              onChange={(event) => setFeed(event.target.value)}
              placeholder="0x…"
              spellCheck={false}
              autoComplete="off"
            />
          )}
        </Field>
      )}
      <Field label={t("prices.maxAgeInput")} hint={t("prices.maxAgeHint")} error={errors.maxAgeSeconds}>
        {(props) => (
          <input {...props} inputMode="numeric" value={maxAge} onChange={(event) => setMaxAge(event.target.value)} />
        )}
      </Field>
      <SaveActions
        label={t("prices.saveSource")}
        saving={save.isPending}
        formError={server.form}
        saved={save.isSuccess ? t("prices.sourceSaved", { currency: save.variables.currency }) : null}
      />
    </form>
  );
}
