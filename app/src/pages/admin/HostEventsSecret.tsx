// A new endpoint's signing secret, shown this once (the server never returns it again), with a
// copy button and the warning to store it now. It takes focus when it appears.
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CreatedEventEndpoint } from "./types.ts";

async function copy(text: string, field: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused: try the selection below.
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export function HostEventsSecret({ endpoint, onDone }: { endpoint: CreatedEventEndpoint; onDone: () => void }) {
  const { t } = useTranslation("admin");
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const [outcome, setOutcome] = useState<"copied" | "failed">();
  useEffect(() => box.current?.focus(), []);

  return (
    <div
      ref={box}
      className="notice notice-warning event-secret"
      data-testid="endpoint-secret-box"
      tabIndex={-1}
      role="group"
      aria-labelledby={`${id}-title`}
    >
      <h4 id={`${id}-title`}>{t("events.secret.title")}</h4>
      <p>{t("events.secret.for", { url: endpoint.url })}</p>
      <p>
        <strong>{t("events.secret.warning")}</strong>
      </p>
      <div className="admin-field">
        <label htmlFor={`${id}-value`}>{t("events.secret.label")}</label>
        <textarea
          ref={field}
          id={`${id}-value`}
          className="mono event-secret-value"
          data-testid="endpoint-secret"
          value={endpoint.secret}
          readOnly
          rows={2}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
      <div className="admin-actions">
        <button
          type="button"
          onClick={() => void copy(endpoint.secret, field.current).then((ok) => setOutcome(ok ? "copied" : "failed"))}
        >
          {t("events.secret.copy")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("events.secret.done")}
        </button>
        <span role="status" className={outcome === "failed" ? "field-error" : undefined}>
          {outcome === "copied" ? t("events.secret.copied") : outcome === "failed" ? t("events.secret.copyFailed") : ""}
        </span>
      </div>
    </div>
  );
}
