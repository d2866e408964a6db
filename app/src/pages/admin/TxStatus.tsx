// A transaction's progress: checking → waiting for the wallet → submitted (hash) → confirmed or
// failed, with the reason decoded.
import { useTranslation } from "react-i18next";
import { TxLink } from "../../components/TxLink.tsx";
import { describeTxError } from "./contract-errors.ts";
import { NoWalletError, type TxPhase } from "./use-admin-tx.ts";

export function TxStatus({
  phase,
  error,
  hash,
  blockNumber,
  testId,
}: {
  phase: TxPhase;
  error: unknown;
  hash: string | null;
  blockNumber: bigint | null;
  testId: string;
}) {
  const { t } = useTranslation("admin");
  if (phase === "idle") return null;
  const failure = error && !(error instanceof NoWalletError) ? describeTxError(error, t) : null;
  const tone =
    phase === "confirmed"
      ? "notice-success"
      : phase === "failed" || phase === "reverted"
        ? failure?.rejected
          ? "notice-warning"
          : "notice-error"
        : "";
  return (
    <div className={`notice ${tone}`} data-testid={testId} data-phase={phase}>
      <p role="status" aria-live="polite">
        {(phase === "checking" || phase === "wallet" || phase === "submitted") && (
          <span className="spinner" aria-hidden="true" />
        )}{" "}
        <strong>{t(`tx.phase.${phase}`)}</strong>
        {phase === "confirmed" && blockNumber !== null && ` ${t("tx.inBlock", { block: blockNumber.toString() })}`}
      </p>
      {hash && (
        <p>
          {t("tx.hash")} <TxLink hash={hash} />
        </p>
      )}
      {error instanceof NoWalletError && <p role="alert">{t("tx.errors.noWallet")}</p>}
      {failure && (
        <p role="alert">
          {failure.message}
          {failure.decoded && (
            <>
              {" "}
              <code>{failure.decoded}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}
