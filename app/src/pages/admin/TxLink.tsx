// A transaction hash, linked to the explorer when the server configures one.
import { useTxUrl } from "../../config/use-runtime.ts";
import { shortHex } from "./format.ts";

export function TxLink({ hash, full = false }: { hash: string; full?: boolean }) {
  const txUrl = useTxUrl()(hash);
  const text = full ? hash : shortHex(hash);
  return txUrl ? (
    <a className="mono" href={txUrl} target="_blank" rel="noreferrer" title={hash}>
      {text}
    </a>
  ) : (
    <code title={hash}>{text}</code>
  );
}
