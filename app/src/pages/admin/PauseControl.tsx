// Pause / unpause the contract from the admin's wallet; the current state read from paused().
import { useTranslation } from "react-i18next";
import { useReadContract } from "wagmi";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { deployment, referralRewardsAbi } from "../../config/deployment.ts";
import { TxStatus } from "./TxStatus.tsx";
import { useAdminTx } from "./use-admin-tx.ts";

export function PauseControl() {
  const { t } = useTranslation("admin");
  const paused = useReadContract({
    address: deployment.proxy,
    abi: referralRewardsAbi,
    functionName: "paused",
    chainId: deployment.chainId,
  });
  const tx = useAdminTx(() => void paused.refetch());

  return (
    <div className="card">
      <h3>{t("pause.title")}</h3>
      {paused.isPending ? (
        <Loading label={t("pause.reading")} />
      ) : paused.isError ? (
        <ErrorNotice error={paused.error} retry={() => void paused.refetch()} />
      ) : (
        <>
          <p data-testid="contract-paused" data-paused={String(paused.data)}>
            {t("pause.state")}{" "}
            <span className={`state ${paused.data ? "state-failed" : "state-minted"}`}>
              {paused.data ? t("pause.paused") : t("pause.running")}
            </span>
          </p>
          <p className="hint">{t(paused.data ? "pause.unpauseHint" : "pause.pauseHint")}</p>
          <button
            type="button"
            className={paused.data ? undefined : "danger"}
            disabled={tx.busy}
            onClick={() => tx.send({ functionName: paused.data ? "unpause" : "pause" })}
          >
            {paused.data ? t("pause.unpause") : t("pause.pause")}
          </button>
        </>
      )}
      <TxStatus phase={tx.phase} error={tx.error} hash={tx.hash} blockNumber={tx.blockNumber} testId="pause-tx" />
    </div>
  );
}
