// Who referred the visitor: the code resolved by the server (GET /api/refcodes/resolve/{code}),
// or a friendly word when the code is unknown or no longer active.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../api/client.ts";
import { Emphasis } from "../../components/Emphasis.tsx";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { shortAddress } from "../../components/WalletPanel.tsx";
import { canBeCode } from "./referral-code.ts";

interface ResolvedCode {
  code: string;
  active: boolean;
  wallet: string;
}

async function resolveCode(code: string, signal: AbortSignal): Promise<ResolvedCode | null> {
  try {
    return await api<ResolvedCode>(`/api/refcodes/resolve/${encodeURIComponent(code)}`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function ReferralBanner({ code }: { code: string }) {
  const { t } = useTranslation("landing");
  const possible = canBeCode(code);
  const resolved = useQuery({
    queryKey: ["refcode", code.toLowerCase()],
    queryFn: ({ signal }) => resolveCode(code, signal),
    enabled: possible,
    staleTime: 5 * 60_000,
  });

  if (possible && resolved.isPending) return <Loading label={t("referral.checking", { code })} />;
  if (resolved.isError) return <ErrorNotice error={resolved.error} retry={() => void resolved.refetch()} />;
  const found = possible ? resolved.data : null;
  if (!found) {
    return (
      <Notice kind="warning">
        <p>{t("referral.unknown", { code })}</p>
      </Notice>
    );
  }
  if (!found.active) {
    return (
      <Notice kind="warning">
        <p>{t("referral.inactive", { code: found.code })}</p>
      </Notice>
    );
  }
  return (
    <Notice kind="success">
      <p data-testid="referrer">
        <Emphasis t={t} i18nKey="referral.by" value={found.code} />
      </p>
      <p className="hint">
        {t("referral.wallet")}{" "}
        <span className="mono" title={found.wallet}>
          {shortAddress(found.wallet)}
        </span>
      </p>
    </Notice>
  );
}
