// One code: its text, kind and state, the share link with copy and QR, and (de)activation.
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import { CopyLinkButton } from "./CopyLinkButton.tsx";
import { ShareQr } from "./ShareQr.tsx";
import { ToggleActive } from "./ToggleActive.tsx";
import type { Refcode } from "./types.ts";

/** The share link on this app's origin: `/r/CODE`. */
const shareLink = (code: string) => `${window.location.origin}/r/${encodeURIComponent(code)}`;

export function CodeRow({ userId, code }: { userId: string; code: Refcode }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const id = useId();
  const [showQr, setShowQr] = useState(false);
  const link = shareLink(code.code);

  return (
    <li className={`code-row card${code.active ? "" : " code-inactive"}`} data-code={code.code} aria-label={code.code}>
      <div className="code-head">
        <strong className="code-text mono">{code.code}</strong>
        <span className={`state state-${code.active ? "active" : "inactive"}`}>
          {code.active ? t("codes.active") : t("codes.inactive")}
        </span>
        <span className="badge">{t(`codes.kind.${code.kind}`)}</span>
        <span className="hint">
          {code.active || !code.deactivatedAt
            ? t("codes.createdAt", { date: format.date(code.createdAt) })
            : t("codes.deactivatedAt", { date: format.date(code.deactivatedAt) })}
        </span>
      </div>
      <div className="field-row share-row">
        <label htmlFor={`${id}-link`} className="share-label">
          {t("codes.shareLink")}
          <input
            id={`${id}-link`}
            className="mono share-input"
            value={link}
            readOnly
            onFocus={(event) => event.currentTarget.select()}
          />
        </label>
        <CopyLinkButton text={link} inputId={`${id}-link`} />
        <button
          type="button"
          className="secondary"
          aria-expanded={showQr}
          aria-controls={`${id}-qr`}
          onClick={() => setShowQr((shown) => !shown)}
        >
          {showQr ? t("codes.hideQr") : t("codes.showQr")}
        </button>
      </div>
      {!code.active && <p className="hint">{t("codes.inactiveHint")}</p>}
      <div id={`${id}-qr`} hidden={!showQr}>
        {showQr && <ShareQr code={code.code} link={link} />}
      </div>
      <ToggleActive userId={userId} code={code} />
    </li>
  );
}
