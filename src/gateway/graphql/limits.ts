import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * How much one GraphQL request may ask for. Each root field is a REST operation (a mutation a command) and every field a
 * resolver: without a bound, one request of 300 aliases of `orders(first: 500)` (or a fragment spread many times) runs
 * 300 reads behind one rate-limit token. Counted with fragments expanded, before anything runs.
 */
export const MAX_ROOT_FIELDS = 20;
export const MAX_FIELDS = 1000;
/**
 * How deep fields may nest (fragments expanded). The schema's own paths are a handful deep (a wave's orders' lines'
 * product: 6) and the standard introspection query is 15; a document of hundreds of nested fields (Order.wave.orders…,
 * within MAX_FIELDS) held the event loop for seconds while graphql-jit compiled it, and a few thousand overflowed the
 * parser's stack.
 */
export const MAX_DEPTH = 25;

/** What the parser's stack overflowing reads as: a document nested far deeper than {@link MAX_DEPTH}. */
export const TOO_DEEP = `An operation nests fields at most ${MAX_DEPTH} fields deep (fragments expanded); this one nests deeper`;

/** A validation rule: an operation over either limit is refused (400 VALIDATION_FAILED, like any document that does not validate). */
export function requestSizeLimit(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      let fields = 0;
      let tooDeep = false;
      // Fields of a selection set with its fragments expanded, `depth` fields deep; `seen` stops a cycle (another rule
      // reports it). Counting stops past MAX_FIELDS or MAX_DEPTH.
      const count = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>, root: boolean, depth: number): number => {
        let roots = 0;
        for (const s of set?.selections ?? []) {
          if (fields > MAX_FIELDS || tooDeep) return roots;
          if (s.kind === Kind.FIELD) {
            fields += 1;
            roots += 1;
            if (depth + 1 > MAX_DEPTH) tooDeep = true;
            else count(s.selectionSet, seen, false, depth + 1);
          } else if (s.kind === Kind.INLINE_FRAGMENT) {
            roots += count(s.selectionSet, seen, root, depth);
          } else {
            const fragment = context.getFragment(s.name.value);
            if (fragment !== undefined && fragment !== null && !seen.has(s.name.value)) roots += count(fragment.selectionSet, new Set([...seen, s.name.value]), root, depth);
          }
        }
        return roots;
      };
      const roots = count(node.selectionSet, new Set(), true, 0);
      if (tooDeep) {
        context.reportError(new GraphQLError(TOO_DEEP, { nodes: [node] }));
      } else if (roots > MAX_ROOT_FIELDS) {
        // Counting stopped past MAX_FIELDS: the roots counted so far are a lower bound, not what the document asks for.
        const asked = fields > MAX_FIELDS ? `more than ${roots}` : String(roots);
        context.reportError(new GraphQLError(`An operation asks for at most ${MAX_ROOT_FIELDS} root fields (aliases and fragments included); this one asks for ${asked}: send several requests`, { nodes: [node] }));
      } else if (fields > MAX_FIELDS) {
        context.reportError(new GraphQLError(`An operation selects at most ${MAX_FIELDS} fields (fragments expanded); this one selects more`, { nodes: [node] }));
      }
    },
  };
}
