// What keeps one request cheap: a depth limit, a cost limit (graphql-armor) and a root-field
// limit, all checked during validation, before any resolver runs or any SQL is sent; and
// introspection for admins only.
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  Kind,
  type SelectionNode,
  type ValidationContext,
  visit,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { AnalyticsContext } from "./schema.ts";

/**
 * The schema has no cycles: its deepest valid selection is 6 levels
 * (funnel → byCode → counts → rewards → amounts → currency). Fragments are flattened, so a client
 * using them is not penalised.
 */
export const MAX_DEPTH = 6;

/**
 * graphql-armor's cost: 1 per scalar, 2 per object, children weighted ×1.5 per level. A dashboard
 * asking for every field of funnel, daily, topReferrers and reconciliation at once costs 389; this
 * allows that with room, and refuses a request that aliases the whole funnel 4 times or more.
 */
export const MAX_COST = 1_000;

/**
 * Each root field runs its own SQL (the funnel: 7 statements), however little it selects, and
 * the cost above barely sees a small selection: `{ a: funnel { total { visits } } b: … }` costs
 * 7 per alias. So the root fields of one operation are counted too. Six allow a dashboard
 * comparing two periods (funnel and daily for each, top referrers, reconciliation).
 */
export const MAX_ROOT_FIELDS = 6;

/** Root fields of an operation, through fragments; `__typename` is free. */
function rootFields(selections: readonly SelectionNode[], context: ValidationContext): number {
  let count = 0;
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === "__typename" ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFields(selection.selectionSet.selections, context);
    else {
      const fragment = context.getFragment(selection.name.value);
      // A fragment cycle or an unknown fragment is reported by graphql's own rules.
      if (fragment) count += rootFields(fragment.selectionSet.selections, context);
    }
  }
  return count;
}

function maxRootFieldsRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      const count = rootFields(operation.selectionSet.selections, context);
      if (count > MAX_ROOT_FIELDS) {
        context.reportError(
          new GraphQLError(
            `Query root field limit of ${MAX_ROOT_FIELDS} exceeded, found ${count}: each one runs its own database queries`,
            { nodes: [operation] },
          ),
        );
      }
    },
  };
}

/** Whether the document asks for the schema (`__schema`, `__type`; `__typename` is harmless). */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === "__schema" || node.name.value === "__type") found = true;
    },
  });
  return found;
}

/**
 * Introspection for admins only, in every environment: the schema is no secret (it is in the
 * repository), but a referrer's dashboard needs none of it, and admins' tools do. Checked at
 * execution, per request: validation results are cached per document and must not depend on
 * who asks.
 */
function introspectionForAdmins(): Plugin<AnalyticsContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.viewer.admin || !introspects(args.document)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError("introspection is for admins only", { extensions: { code: "INTROSPECTION_FORBIDDEN" } }),
        ],
      });
    },
  };
}

export function analyticsLimits(): Plugin<AnalyticsContext>[] {
  return [
    maxDepthPlugin({ n: MAX_DEPTH, flattenFragments: true, ignoreIntrospection: true }),
    costLimitPlugin({ maxCost: MAX_COST, flattenFragments: true, ignoreIntrospection: true }),
    { onValidate: ({ addValidationRule }) => addValidationRule(maxRootFieldsRule) },
    introspectionForAdmins(),
  ];
}
