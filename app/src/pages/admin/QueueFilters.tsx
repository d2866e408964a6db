// The queue's filters: what the admin list route supports (state, sizing, referrer wallet).
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "./Field.tsx";
import { ADDRESS } from "./format.ts";
import { type RewardFilter, rewardStates, sizings } from "./types.ts";

export function QueueFilters({ value, onChange }: { value: RewardFilter; onChange: (filter: RewardFilter) => void }) {
  const { t } = useTranslation("admin");
  const [referrer, setReferrer] = useState(value.referrer);
  const [referrerError, setReferrerError] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const wallet = referrer.trim();
    if (wallet && !ADDRESS.test(wallet)) {
      setReferrerError(t("filters.referrerInvalid"));
      return;
    }
    setReferrerError(null);
    onChange({ ...value, referrer: wallet });
  }

  function clear() {
    setReferrer("");
    setReferrerError(null);
    onChange({ state: "pending_approval", sizing: "", referrer: "" });
  }

  return (
    <form className="admin-form" onSubmit={submit} aria-label={t("filters.label")}>
      <Field label={t("filters.state")}>
        {(props) => (
          <select
            {...props}
            value={value.state}
            onChange={(event) => onChange({ ...value, state: event.target.value as RewardFilter["state"] })}
          >
            <option value="">{t("filters.anyState")}</option>
            {rewardStates.map((state) => (
              <option key={state} value={state}>
                {t(`state.${state}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("filters.sizing")}>
        {(props) => (
          <select
            {...props}
            value={value.sizing}
            onChange={(event) => onChange({ ...value, sizing: event.target.value as RewardFilter["sizing"] })}
          >
            <option value="">{t("filters.anySizing")}</option>
            {sizings.map((sizing) => (
              <option key={sizing} value={sizing}>
                {t(`sizing.${sizing}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("filters.referrer")} hint={t("filters.referrerHint")} error={referrerError}>
        {(props) => (
          <input
            {...props}
            className="mono"
            value={referrer}
            onChange={(event) => setReferrer(event.target.value)}
            placeholder="0x…"
            spellCheck={false}
            autoComplete="off"
          />
        )}
      </Field>
      <div className="admin-form-actions">
        <button type="submit">{t("filters.apply")}</button>
        <button type="button" className="secondary" onClick={clear}>
          {t("filters.reset")}
        </button>
      </div>
    </form>
  );
}
