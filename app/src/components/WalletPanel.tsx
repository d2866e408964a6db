// Connect, switch to the app's chain, sign in with Ethereum, sign out: each state says what is
// going on and what to do next (locked wallet, wrong chain, rejected signature).
import { useTranslation } from "react-i18next";
import { useAccount, useConnect, useDisconnect, useSwitchChain } from "wagmi";
import { SignInError, useSession, useSignIn, useSignOut } from "../auth/session.ts";
import { deployment } from "../config/deployment.ts";

/** `0x1234…abcd`; tables of hashes keep more (`head`, `tail`) so neighbouring rows stay distinct. */
export const shortAddress = (value: string, head = 6, tail = 4) =>
  value.length > head + tail + 2 ? `${value.slice(0, head)}…${value.slice(-tail)}` : value;

export function WalletPanel() {
  const { t } = useTranslation();
  const { address, chainId, isConnected } = useAccount();
  const { connect, connectors, isPending: connecting, error: connectError } = useConnect();
  const { disconnect } = useDisconnect();
  const { switchChain, isPending: switching } = useSwitchChain();
  const session = useSession();
  const signIn = useSignIn();
  const signOut = useSignOut();

  if (session.data) {
    return (
      <div className="wallet" data-testid="wallet-panel">
        <span className="wallet-address" title={session.data.wallet}>
          {shortAddress(session.data.wallet)}
          {session.data.isAdmin && <span className="badge">{t("wallet.admin")}</span>}
        </span>
        <button
          type="button"
          onClick={() => signOut.mutate(undefined, { onSuccess: () => disconnect() })}
          disabled={signOut.isPending}
        >
          {t("wallet.signOut")}
        </button>
      </div>
    );
  }

  // A wallet that announces itself (EIP-6963) is listed by name; the generic "Injected" entry is
  // the same window.ethereum again, offered only when nothing announced itself.
  const announced = connectors.some((connector) => connector.type === "injected" && connector.id !== "injected");
  const offered = announced ? connectors.filter((connector) => connector.id !== "injected") : connectors;

  if (!isConnected) {
    const connectMessage =
      connectError && /reject|denied/i.test(connectError.message) ? t("wallet.error.locked") : connectError?.message;
    return (
      <div className="wallet" data-testid="wallet-panel">
        {offered.length === 0 && <span className="hint">{t("wallet.none")}</span>}
        {offered.map((connector) => (
          <button key={connector.uid} type="button" onClick={() => connect({ connector })} disabled={connecting}>
            {connecting ? t("wallet.connecting") : t("wallet.connect", { name: connector.name })}
          </button>
        ))}
        {connectMessage && (
          <span className="field-error" role="alert">
            {connectMessage}
          </span>
        )}
      </div>
    );
  }

  const wrongChain = chainId !== deployment.chainId;
  const failure = signIn.error instanceof SignInError ? signIn.error.reason : signIn.error ? "server" : undefined;
  return (
    <div className="wallet" data-testid="wallet-panel">
      <span className="wallet-address" title={address}>
        {address && shortAddress(address)}
      </span>
      {wrongChain ? (
        <>
          <span className="field-error" role="alert">
            {t("wallet.error.wrong_chain", { chainId })}
          </span>
          <button type="button" onClick={() => switchChain({ chainId: deployment.chainId })} disabled={switching}>
            {t("wallet.switch")}
          </button>
        </>
      ) : (
        <button type="button" onClick={() => signIn.mutate()} disabled={signIn.isPending}>
          {signIn.isPending ? t("wallet.signingIn") : t("wallet.signIn")}
        </button>
      )}
      <button type="button" className="link" onClick={() => disconnect()}>
        {t("wallet.disconnect")}
      </button>
      {failure && (
        <span className="field-error" role="alert">
          {t(`wallet.error.${failure}`, { message: signIn.error?.message })}
        </span>
      )}
    </div>
  );
}
