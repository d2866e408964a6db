// The share link as a QR code, with an SVG download for print.
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { QRCodeSVG } from "qrcode.react";
import { downloadBlob } from "./csv.ts";

export function ShareQr({ code, link }: { code: string; link: string }) {
  const { t } = useTranslation("dashboard");
  const svg = useRef<SVGSVGElement>(null);

  function download() {
    if (!svg.current) return;
    const markup = new XMLSerializer().serializeToString(svg.current);
    downloadBlob(new Blob([markup], { type: "image/svg+xml" }), `refcode-${code}.svg`);
  }

  return (
    <figure className="share-qr">
      <QRCodeSVG
        ref={svg}
        value={link}
        size={176}
        marginSize={2}
        level="M"
        title={t("codes.qrTitle", { code })}
        role="img"
        xmlns="http://www.w3.org/2000/svg"
      />
      <figcaption className="hint">{t("codes.qrCaption")}</figcaption>
      <button type="button" className="secondary" onClick={download}>
        {t("codes.downloadQr")}
      </button>
    </figure>
  );
}
