// "Copy link" with visible feedback. The Clipboard API needs a secure context; elsewhere the
// linked read-only input is selected and copied the old way, or left selected for the user.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

type Outcome = "copied" | "failed" | undefined;

async function copy(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused: try the selection below.
  }
  if (!input) return false;
  input.focus();
  input.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export function CopyLinkButton({ text, inputId }: { text: string; inputId: string }) {
  const { t } = useTranslation("dashboard");
  const [outcome, setOutcome] = useState<Outcome>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick() {
    const ok = await copy(text, document.getElementById(inputId) as HTMLInputElement | null);
    setOutcome(ok ? "copied" : "failed");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome(undefined), ok ? 2500 : 6000);
  }

  return (
    <>
      <button type="button" onClick={() => void onClick()}>
        {t("codes.copy")}
      </button>
      <span role="status" aria-live="polite" className={outcome === "failed" ? "field-error" : "copied"}>
        {outcome === "copied" ? t("codes.copied") : outcome === "failed" ? t("codes.copyFailed") : ""}
      </span>
    </>
  );
}
