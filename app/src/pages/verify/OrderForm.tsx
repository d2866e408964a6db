// The order reference to verify; submitting puts it in the URL (?order=), so a result can be linked.
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";

export function OrderForm({ initial, onSubmit }: { initial: string; onSubmit: (reference: string) => void }) {
  const { t } = useTranslation("verify");
  const id = useId();
  const [value, setValue] = useState(initial);
  const [error, setError] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const reference = value.trim();
    setError(reference === "");
    if (reference !== "") onSubmit(reference);
  };
  return (
    <form role="search" onSubmit={submit} noValidate>
      <div className="field-row">
        <label htmlFor={id}>
          {t("form.label")}
          <input
            id={id}
            name="order"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            placeholder="ord_…"
            autoComplete="off"
            spellCheck={false}
            maxLength={256}
            aria-invalid={error}
            aria-describedby={error ? `${id}-error` : `${id}-hint`}
            size={36}
          />
        </label>
        <button type="submit">{t("form.submit")}</button>
      </div>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {t("form.required")}
        </p>
      ) : (
        <p id={`${id}-hint`} className="hint">
          {t("form.hint")}
        </p>
      )}
    </form>
  );
}
