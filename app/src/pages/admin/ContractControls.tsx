// Contract controls, sent from the admin's own wallet (not the server's minter key): which
// wallet signs, whether it holds the contract's admin role, pause and limits.
import { useTranslation } from "react-i18next";
import { zeroHash } from "viem";
import { useConnection, useReadContract } from "wagmi";
import { Notice } from "../../components/status.tsx";
import { deployment, referralRewardsAbi } from "../../config/deployment.ts";
import { LimitsForm } from "./LimitsForm.tsx";
import { PauseControl } from "./PauseControl.tsx";

export function ContractControls() {
  const { t } = useTranslation("admin");
  const { address, chainId, isConnected } = useConnection();
  const hasRole = useReadContract({
    address: deployment.proxy,
    abi: referralRewardsAbi,
    functionName: "hasRole",
    args: [zeroHash, address ?? "0x0000000000000000000000000000000000000000"],
    chainId: deployment.chainId,
    query: { enabled: Boolean(address) },
  });

  return (
    <section aria-labelledby="admin-contract">
      <h2 id="admin-contract">{t("contract.title")}</h2>
      <dl className="admin-facts">
        <dt>{t("contract.address")}</dt>
        <dd className="mono">{deployment.proxy}</dd>
        <dt>{t("contract.signer")}</dt>
        <dd className="mono">{address ?? t("contract.noWallet")}</dd>
      </dl>
      {!isConnected ? (
        <Notice kind="warning">{t("contract.connect")}</Notice>
      ) : chainId !== deployment.chainId ? (
        <Notice kind="warning">{t("contract.wrongChain", { chainId, expected: deployment.chainId })}</Notice>
      ) : hasRole.data === false ? (
        <Notice kind="warning">{t("contract.noRole", { address })}</Notice>
      ) : hasRole.data === true ? (
        <p className="hint">{t("contract.hasRole")}</p>
      ) : null}
      <div className="admin-cards">
        <PauseControl />
        <LimitsForm />
      </div>
    </section>
  );
}
