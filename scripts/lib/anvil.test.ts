import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { startAnvil } from "./anvil.ts";

describe("startAnvil", () => {
  it("starts two chains side by side on distinct free ports and stops them", async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil()]);
    try {
      assert.notEqual(a.port, b.port);
      for (const chain of [a, b]) {
        const client = createPublicClient({ transport: http(chain.rpcUrl) });
        assert.equal(await client.getChainId(), 31337);
        assert.match(chain.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    assert.notEqual(a.process.exitCode ?? a.process.signalCode, null, "the process has exited");
  });

  it("reports anvil's own error when it cannot start", async () => {
    await assert.rejects(startAnvil({ args: ["--no-such-flag"] }), /exited with code/);
  });
});
