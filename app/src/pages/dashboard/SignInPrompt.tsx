// What a signed-out visitor sees: what the page offers and how to get in (the header's wallet panel).
import { useTranslation } from "react-i18next";

/** Moves focus to the first button of the header's wallet panel (Connect / Sign in). */
function focusWalletPanel() {
  const button = document.querySelector<HTMLButtonElement>('[data-testid="wallet-panel"] button');
  button?.scrollIntoView({ block: "nearest" });
  button?.focus();
}

export function SignInPrompt() {
  const { t } = useTranslation("dashboard");
  return (
    <div className="notice" data-testid="sign-in-prompt">
      <h2>{t("signIn.heading")}</h2>
      <p>{t("signIn.body")}</p>
      <ol>
        <li>{t("signIn.stepConnect")}</li>
        <li>{t("signIn.stepSign")}</li>
      </ol>
      <button type="button" onClick={focusWalletPanel}>
        {t("signIn.goToWallet")}
      </button>
    </div>
  );
}
