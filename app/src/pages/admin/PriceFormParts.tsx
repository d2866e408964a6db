// What the price-source and desk-rate forms share: the currency field (and its check), and the
// save button with the server's answer under it.
import { useTranslation } from "react-i18next";
import { Notice } from "../../components/status.tsx";
import { Field } from "./Field.tsx";

const CURRENCY = /^[A-Z]{3}$/;

/** The typed currency as the server wants it, or null when it is not a three-letter code. */
export function currencyCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return CURRENCY.test(code) ? code : null;
}

export function CurrencyField(props: { value: string; onChange: (value: string) => void; error: string | undefined }) {
  const { t } = useTranslation("admin");
  return (
    <Field label={t("prices.currency")} hint={t("prices.currencyHint")} error={props.error}>
      {(control) => (
        <input
          {...control}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value.toUpperCase())}
          maxLength={3}
          autoComplete="off"
        />
      )}
    </Field>
  );
}

interface SaveProps {
  label: string;
  saving: boolean;
  /** The server's error that is about no one field. */
  formError: string | null;
  /** What was saved, once it was. */
  saved: string | null;
}

export function SaveActions({ label, saving, formError, saved }: SaveProps) {
  const { t } = useTranslation("admin");
  return (
    <>
      <div className="admin-form-actions">
        <button type="submit" disabled={saving}>
          {saving ? t("prices.saving") : label}
        </button>
      </div>
      <div className="admin-form-actions" aria-live="polite">
        {formError && (
          <p className="field-error" role="alert">
            {formError}
          </p>
        )}
        {saved && <Notice kind="success">{saved}</Notice>}
      </div>
    </>
  );
}
