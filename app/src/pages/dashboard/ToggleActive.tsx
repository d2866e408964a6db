// Deactivate (after an explicit confirmation) or reactivate a code.
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSetCodeActive } from "./queries.ts";
import type { Refcode } from "./types.ts";

export function ToggleActive({ userId, code }: { userId: string; code: Refcode }) {
  const { t } = useTranslation("dashboard");
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const toggle = useSetCodeActive(userId);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // Focus follows the dialog: into it when it opens, back to the row's button when it closes.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (wasConfirming.current) startButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const cancel = () => setConfirming(false);
  const run = (active: boolean) =>
    toggle.mutate({ code: code.code, active }, { onSuccess: () => setConfirming(false) });

  let action;
  if (!code.active) {
    action = (
      <button
        ref={startButton}
        type="button"
        className="secondary"
        onClick={() => run(true)}
        disabled={toggle.isPending}
      >
        {toggle.isPending ? t("codes.working") : t("codes.reactivate")}
      </button>
    );
  } else if (!confirming) {
    action = (
      <button ref={startButton} type="button" className="secondary" onClick={() => setConfirming(true)}>
        {t("codes.deactivate")}
      </button>
    );
  } else {
    action = (
      <div
        className="notice notice-warning confirm"
        role="alertdialog"
        aria-labelledby={`${id}-q`}
        onKeyDown={(event) => event.key === "Escape" && cancel()}
      >
        <p id={`${id}-q`}>{t("codes.confirmDeactivate", { code: code.code })}</p>
        <div className="field-row">
          <button
            ref={confirmButton}
            type="button"
            className="danger"
            onClick={() => run(false)}
            disabled={toggle.isPending}
          >
            {toggle.isPending ? t("codes.working") : t("codes.confirmYes")}
          </button>
          <button type="button" className="secondary" onClick={cancel}>
            {t("codes.confirmNo")}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="code-actions">
      {action}
      {toggle.error && (
        <p className="field-error" role="alert">
          {t("codes.toggleFailed")} <span lang="en">{toggle.error.message}</span>
        </p>
      )}
    </div>
  );
}
