// Creates a code: a vanity one when the field is filled in, a generated one otherwise. The
// server validates; its answer (invalid, reserved, taken, too many codes) shows at the field.
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.ts";
import { Notice } from "../../components/status.tsx";
import { shortAddress } from "../../components/WalletPanel.tsx";
import { useCreateCode } from "./queries.ts";

/** Server error codes that are about the typed code (the rest are shown below the form). */
const FIELD_ERRORS = new Set(["invalid_code", "reserved_code", "code_taken", "invalid_request"]);
const KNOWN_ERRORS = new Set([...FIELD_ERRORS, "code_limit_reached", "forbidden"]);

export function CreateCodeForm({ userId, wallet, wallets }: { userId: string; wallet: string; wallets: string[] }) {
  const { t } = useTranslation("dashboard");
  const id = useId();
  const [vanity, setVanity] = useState("");
  const [payout, setPayout] = useState(wallet);
  const create = useCreateCode(userId);

  const error = create.error;
  const code = error instanceof ApiError ? error.code : undefined;
  const fieldError = code !== undefined && FIELD_ERRORS.has(code);
  const summary = code !== undefined && KNOWN_ERRORS.has(code) ? t(`create.errors.${code}`) : t("create.errors.other");

  function submit(event: FormEvent) {
    event.preventDefault();
    const typed = vanity.trim();
    create.mutate(
      { ...(typed ? { vanity: typed } : {}), ...(payout !== wallet ? { wallet: payout } : {}) },
      { onSuccess: () => setVanity("") },
    );
  }

  const message = error && (
    <p id={`${id}-error`} className="field-error" role="alert">
      {summary} <span lang="en">{error.message}</span>
    </p>
  );

  return (
    <form className="create-code card" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("create.heading")}</h3>
      <div className="field-row">
        <label htmlFor={`${id}-vanity`}>
          {t("create.vanityLabel")}
          <input
            id={`${id}-vanity`}
            name="vanity"
            value={vanity}
            onChange={(event) => {
              setVanity(event.target.value);
              if (create.isError) create.reset();
            }}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            aria-invalid={fieldError || undefined}
            aria-describedby={`${id}-hint${fieldError ? ` ${id}-error` : ""}`}
          />
        </label>
        {wallets.length > 1 && (
          <label htmlFor={`${id}-wallet`}>
            {t("create.walletLabel")}
            <select id={`${id}-wallet`} value={payout} onChange={(event) => setPayout(event.target.value)}>
              {wallets.map((address) => (
                <option key={address} value={address}>
                  {shortAddress(address)}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t("create.creating") : t("create.submit")}
        </button>
      </div>
      <p id={`${id}-hint`} className="hint">
        {t("create.hint")}
      </p>
      {message}
      {create.isSuccess && <Notice kind="success">{t("create.created", { code: create.data.code })}</Notice>}
    </form>
  );
}
