// The contract's damage limits: the current values from limits() and windowState(), and a form
// that sends setLimits from the admin's wallet.
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { useReadContract } from "wagmi";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { deployment, referralRewardsAbi } from "../../config/deployment.ts";
import { useFormat } from "../../i18n/format.ts";
import { Field } from "./Field.tsx";
import { type LimitsErrors, type LimitsInput, limitsToInput, parseLimits } from "./limits.ts";
import { TxStatus } from "./TxStatus.tsx";
import { useAdminTx } from "./use-admin-tx.ts";

const contract = { address: deployment.proxy, abi: referralRewardsAbi, chainId: deployment.chainId } as const;
const NO_WINDOW = 2n ** 96n - 1n;

export function LimitsForm() {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const limits = useReadContract({ ...contract, functionName: "limits" });
  const windowState = useReadContract({ ...contract, functionName: "windowState" });
  /** What the admin typed; null shows the contract's values. */
  const [edited, setEdited] = useState<LimitsInput | null>(null);
  const input = edited ?? (limits.data ? limitsToInput(limits.data) : null);
  const [errors, setErrors] = useState<LimitsErrors>({});
  const tx = useAdminTx(() => {
    void limits.refetch().then((result) => result.data && setEdited(null));
    void windowState.refetch();
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!input) return;
    const parsed = parseLimits(input);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    tx.send({ functionName: "setLimits", args: parsed.args });
  }

  const errorText = (key: keyof LimitsInput) => (errors[key] ? t(`limits.errors.${errors[key]}`) : null);
  const field = (key: keyof LimitsInput, label: string, hint: string, inputMode: "decimal" | "numeric") => (
    <Field label={label} hint={hint} error={errorText(key)}>
      {(props) => (
        <input
          {...props}
          inputMode={inputMode}
          value={input?.[key] ?? ""}
          onChange={(event) => input && setEdited({ ...input, [key]: event.target.value })}
          autoComplete="off"
        />
      )}
    </Field>
  );

  if (limits.isPending)
    return (
      <Card>
        <Loading label={t("limits.reading")} />
      </Card>
    );
  if (limits.isError) {
    return (
      <Card>
        <ErrorNotice error={limits.error} retry={() => void limits.refetch()} />
      </Card>
    );
  }
  const [maxPerPayment, windowBudget, windowDuration] = limits.data;
  const [remaining, windowEnd] = windowState.data ?? [null, null];

  return (
    <Card>
      <dl className="admin-facts" data-testid="contract-limits">
        <dt>{t("limits.maxPerPayment")}</dt>
        <dd>{maxPerPayment === 0n ? t("limits.noMaximum") : format.tokens(maxPerPayment)}</dd>
        <dt>{t("limits.windowBudget")}</dt>
        <dd>{windowBudget === 0n ? t("limits.noBudget") : format.tokens(windowBudget)}</dd>
        <dt>{t("limits.windowDuration")}</dt>
        <dd>
          {windowDuration === 0
            ? t("limits.noWindow")
            : t("limits.seconds", {
                seconds: format.number(windowDuration),
                hours: format.number(windowDuration / 3600, 2),
              })}
        </dd>
        {windowBudget !== 0n && remaining !== null && (
          <>
            <dt>{t("limits.remaining")}</dt>
            <dd>
              {remaining === NO_WINDOW || windowEnd === 0
                ? t("limits.windowNotOpen")
                : t("limits.remainingUntil", {
                    amount: format.tokens(remaining),
                    date: format.dateTime(new Date(windowEnd * 1000)),
                  })}
            </dd>
          </>
        )}
      </dl>
      <form className="admin-form" onSubmit={submit} noValidate aria-label={t("limits.formLabel")}>
        {field("maxPerPayment", t("limits.maxPerPaymentInput"), t("limits.amountHint"), "decimal")}
        {field("windowBudget", t("limits.windowBudgetInput"), t("limits.amountHint"), "decimal")}
        {field("windowDuration", t("limits.windowDurationInput"), t("limits.durationHint"), "numeric")}
        <div className="admin-form-actions">
          <button type="submit" disabled={tx.busy || !input}>
            {t("limits.save")}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={tx.busy}
            onClick={() => {
              setEdited(null);
              setErrors({});
            }}
          >
            {t("limits.resetForm")}
          </button>
        </div>
      </form>
      <TxStatus phase={tx.phase} error={tx.error} hash={tx.hash} blockNumber={tx.blockNumber} testId="limits-tx" />
    </Card>
  );
}

function Card({ children }: { children: ReactNode }) {
  const { t } = useTranslation("admin");
  return (
    <div className="card">
      <h3>{t("limits.title")}</h3>
      {children}
    </div>
  );
}
