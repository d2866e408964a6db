// A transaction hash, linked to the configured explorer when there is one.
import { useTxUrl } from "../../config/use-runtime.ts";

export function TxHash({ hash }: { hash: string }) {
  const url = useTxUrl()(hash);
  return url ? (
    <a className="mono" href={url} target="_blank" rel="noreferrer">
      {hash}
    </a>
  ) : (
    <span className="mono">{hash}</span>
  );
}
