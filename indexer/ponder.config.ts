// The configuration is ponder.config.ts at the repository root; this re-export lets Ponder's
// generated ponder-env.d.ts (which looks beside the schema) type the event handlers.
export { default } from "../ponder.config.ts";
