// The referrer dashboard: codes and share links, the funnel over time, rewards and adjustments.
// Signed-out visitors get a prompt; the WalletPanel in the header does the signing in.
import { useTranslation } from "react-i18next";
import { useSession } from "../../auth/session.ts";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { AdjustmentsSection } from "./AdjustmentsSection.tsx";
import { CodesSection } from "./CodesSection.tsx";
import { FunnelSection } from "./FunnelSection.tsx";
import { RewardsSection } from "./RewardsSection.tsx";
import { SignInPrompt } from "./SignInPrompt.tsx";
import "./dashboard.css";

export function DashboardPage() {
  const { t } = useTranslation("dashboard");
  const session = useSession();

  let body;
  if (session.isPending) body = <Loading />;
  else if (session.isError) body = <ErrorNotice error={session.error} retry={() => void session.refetch()} />;
  else if (!session.data) body = <SignInPrompt />;
  else {
    const { userId, wallet, wallets } = session.data;
    body = (
      <>
        <CodesSection userId={userId} wallet={wallet} wallets={wallets} />
        <FunnelSection userId={userId} wallet={wallet} />
        <RewardsSection userId={userId} />
        <AdjustmentsSection userId={userId} />
      </>
    );
  }

  return (
    <section className="page dashboard" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{t("title")}</h1>
      {body}
    </section>
  );
}
